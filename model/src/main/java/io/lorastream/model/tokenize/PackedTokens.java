package io.lorastream.model.tokenize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.lorastream.model.tensor.OwnedArrays;

/**
 * A batch of texts as one sequence of real tokens, without padding: M = the batch's total token
 * count. Text i owns rows {@code offsets[i] .. offsets[i] + lengths[i]}. Linear layers then never
 * compute padding, and attention needs no mask (it runs text by text, or on runs of equal length).
 *
 * @param ids token ids [M] int64
 * @param positions position of each token within its text [M] int64
 * @param typeIds token type ids [M] int64
 * @param pooling [B, M] float32, 1/length where a token belongs to a text: pooling x hidden = means
 * @param lengths tokens per text [B]
 * @param offsets first row of each text [B]
 */
public record PackedTokens(
    NDArray ids,
    NDArray positions,
    NDArray typeIds,
    NDArray pooling,
    int[] lengths,
    int[] offsets) {

  public int texts() {
    return lengths.length;
  }

  public int tokens() {
    return lengths.length == 0 ? 0 : offsets[lengths.length - 1] + lengths[lengths.length - 1];
  }

  /** Packs a batch on {@code manager}'s device. */
  public static PackedTokens of(TokenBatch batch, NDManager manager) {
    int b = batch.size();
    int[] lengths = batch.lengths().clone();
    int[] offsets = new int[b];
    int m = 0;
    for (int i = 0; i < b; i++) {
      offsets[i] = m;
      m += lengths[i];
    }
    long[] ids = new long[m];
    long[] positions = new long[m];
    long[] types = new long[m];
    float[] pooling = new float[b * m];
    for (int i = 0; i < b; i++) {
      System.arraycopy(batch.ids()[i], 0, ids, offsets[i], lengths[i]);
      System.arraycopy(batch.typeIds()[i], 0, types, offsets[i], lengths[i]);
      float share = 1f / Math.max(1, lengths[i]);
      for (int j = 0; j < lengths[i]; j++) {
        positions[offsets[i] + j] = j;
        pooling[i * m + offsets[i] + j] = share;
      }
    }
    return new PackedTokens(
        OwnedArrays.of(manager, ids, new Shape(m)),
        OwnedArrays.of(manager, positions, new Shape(m)),
        OwnedArrays.of(manager, types, new Shape(m)),
        OwnedArrays.of(manager, pooling, new Shape(b, m)),
        lengths,
        offsets);
  }
}
