package io.lorastream.model.tokenize;

/**
 * One tokenized text, unpadded.
 *
 * @param ids token ids including special tokens
 * @param typeIds token type ids, same length
 * @param truncated whether the text lost tokens to the max length
 */
public record Tokens(long[] ids, long[] typeIds, boolean truncated) {

  public int length() {
    return ids.length;
  }
}
