package io.lorastream.model.onnx;

import io.lorastream.model.tokenize.TokenBatch;

/**
 * A padded token batch laid out as {@link BertServingGraph}'s inputs: tokens packed without
 * padding, the indices that move rows between the packed [M] and padded [B x T] layouts, the
 * padding mask and the pooling matrix.
 *
 * @param ids token ids [M]
 * @param typeIds token type ids [M]
 * @param positions position of each token within its text [M]
 * @param padIndex packed row of every padded slot [B x T]; a padding slot points at its text's
 *     first token (masked out of attention, and its output is never gathered back)
 * @param unpadIndex padded slot of every packed row [M]
 * @param mask 1 for a real token, 0 for padding [B x T]
 * @param pooling 1/length where token m belongs to text b, else 0 [B x M]
 * @param texts B
 * @param paddedLength T
 */
public record PackedInputs(
    long[] ids,
    long[] typeIds,
    long[] positions,
    long[] padIndex,
    long[] unpadIndex,
    int[] mask,
    float[] pooling,
    int texts,
    int paddedLength) {

  /** M, the real tokens of the batch. */
  public int tokens() {
    return ids.length;
  }

  public static PackedInputs of(TokenBatch batch) {
    int b = batch.size();
    int t = batch.paddedLength();
    int m = (int) batch.realTokens();
    long[] ids = new long[m];
    long[] types = new long[m];
    long[] positions = new long[m];
    long[] padIndex = new long[b * t];
    long[] unpadIndex = new long[m];
    int[] mask = new int[b * t];
    float[] pooling = new float[b * m];
    int row = 0;
    for (int i = 0; i < b; i++) {
      int len = batch.lengths()[i];
      float share = 1f / Math.max(1, len);
      System.arraycopy(batch.ids()[i], 0, ids, row, len);
      System.arraycopy(batch.typeIds()[i], 0, types, row, len);
      for (int j = 0; j < t; j++) {
        int slot = i * t + j;
        if (j < len) {
          positions[row + j] = j;
          padIndex[slot] = row + j;
          unpadIndex[row + j] = slot;
          mask[slot] = 1;
          pooling[i * m + row + j] = share;
        } else {
          padIndex[slot] = row;
        }
      }
      row += len;
    }
    return new PackedInputs(ids, types, positions, padIndex, unpadIndex, mask, pooling, b, t);
  }
}
