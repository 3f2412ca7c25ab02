package io.lorastream.model.tokenize;

import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * Token ids of a batch of texts, padded to the longest text in the batch (dynamic padding).
 *
 * <p>Dimension letters: B = texts in the batch, T = {@link #paddedLength()}.
 *
 * @param ids token ids, [B][T], 0 (the pad id) after each text's end
 * @param typeIds token type ids, [B][T]
 * @param lengths real tokens per text, [B]; positions at or beyond a text's length are padding
 * @param truncated how many texts of this batch lost tokens to the max length
 */
public record TokenBatch(long[][] ids, long[][] typeIds, int[] lengths, int truncated) {

  /** Pads tokenized texts to the longest of them with the pad id 0. */
  public static TokenBatch pad(List<Tokens> texts) {
    int padded = 0;
    for (Tokens t : texts) {
      padded = Math.max(padded, t.length());
    }
    long[][] ids = new long[texts.size()][padded];
    long[][] types = new long[texts.size()][padded];
    int[] lengths = new int[texts.size()];
    int truncated = 0;
    for (int i = 0; i < texts.size(); i++) {
      Tokens t = texts.get(i);
      System.arraycopy(t.ids(), 0, ids[i], 0, t.length());
      System.arraycopy(t.typeIds(), 0, types[i], 0, t.length());
      lengths[i] = t.length();
      truncated += t.truncated() ? 1 : 0;
    }
    return new TokenBatch(ids, types, lengths, truncated);
  }

  public int size() {
    return ids.length;
  }

  public int paddedLength() {
    return ids.length == 0 ? 0 : ids[0].length;
  }

  /** Real (non-padding) tokens in the whole batch. */
  public long realTokens() {
    long n = 0;
    for (int len : lengths) {
      n += len;
    }
    return n;
  }

  /** The batch without padding, on {@code manager}'s device. */
  public PackedTokens pack(NDManager manager) {
    return PackedTokens.of(this, manager);
  }
}
