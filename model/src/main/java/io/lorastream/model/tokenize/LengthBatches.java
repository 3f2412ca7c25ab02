package io.lorastream.model.tokenize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Cuts texts into forward passes: sorted by length (longest first) so a pass pads to about its own
 * length, each pass bounded by a text count and by padded tokens (texts x its longest text), which
 * bounds activation memory.
 */
public final class LengthBatches {

  private LengthBatches() {}

  /**
   * @param lengths tokens of each text
   * @param maxTexts texts per pass, >= 1
   * @param maxTokens padded tokens per pass; a text longer than this still gets a pass of its own
   * @return each pass as indices into {@code lengths}, longest text first
   */
  public static List<int[]> plan(int[] lengths, int maxTexts, long maxTokens) {
    if (maxTexts < 1) {
      throw new IllegalArgumentException(
          "a pass needs room for at least one text, got max " + maxTexts);
    }
    Integer[] order = new Integer[lengths.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingInt((Integer i) -> lengths[i]).reversed());
    List<int[]> passes = new ArrayList<>();
    int start = 0;
    while (start < order.length) {
      int longest = lengths[order[start]];
      int end = start + 1;
      while (end < order.length
          && end - start < maxTexts
          && (long) (end - start + 1) * longest <= maxTokens) {
        end++;
      }
      int[] pass = new int[end - start];
      for (int i = start; i < end; i++) {
        pass[i - start] = order[i];
      }
      passes.add(pass);
      start = end;
    }
    return passes;
  }

  /** {@link #plan} over tokenized texts. */
  public static List<int[]> plan(List<Tokens> texts, int maxTexts, long maxTokens) {
    return plan(texts.stream().mapToInt(Tokens::length).toArray(), maxTexts, maxTokens);
  }
}
