package io.lorastream.model.train;

import java.util.List;
import java.util.Locale;

/**
 * Which in-batch candidates are not negatives of an anchor. A batch's candidates are its B
 * positives followed by the hard negatives of every pair in batch order; with several relevant
 * documents per query, another pair's positive is often relevant to this anchor too, and pushing
 * the anchor away from it teaches the model that a relevant document is not. Candidate j is masked
 * for anchor i (j != i) when it is the same document as i's positive, a document known to be
 * relevant to i ({@link TrainingExample#relevantIds()}), or the positive of a pair whose anchor is
 * the same query.
 */
public final class FalseNegatives {

  private FalseNegatives() {}

  /**
   * @return [B, B + M] row-major (M = all hard negatives), true where candidate j must not count as
   *     a negative of anchor i; null when nothing is masked
   */
  public static boolean[] mask(List<TrainingExample> batch) {
    int b = batch.size();
    int m = batch.stream().mapToInt(e -> e.negatives().size()).sum();
    int n = b + m;
    String[] keys = new String[n];
    String[] queries = new String[b];
    for (int j = 0; j < b; j++) {
      keys[j] = batch.get(j).positiveKey();
      queries[j] = normalizeQuery(batch.get(j).anchor());
    }
    int c = b;
    for (TrainingExample e : batch) {
      for (int k = 0; k < e.negatives().size(); k++) {
        keys[c++] = e.negativeKey(k);
      }
    }
    boolean[] mask = new boolean[b * n];
    boolean any = false;
    for (int i = 0; i < b; i++) {
      TrainingExample anchor = batch.get(i);
      String own = anchor.positiveKey();
      for (int j = 0; j < n; j++) {
        if (j == i) {
          continue;
        }
        boolean masked =
            keys[j].equals(own)
                || anchor.relevantIds().contains(keys[j])
                || (j < b && queries[j].equals(queries[i]));
        mask[i * n + j] = masked;
        any |= masked;
      }
    }
    return any ? mask : null;
  }

  /**
   * A query as users mean it: trimmed, inner whitespace collapsed, lower-cased ({@code "Foo bar"} =
   * {@code "foo bar "}).
   */
  public static String normalizeQuery(String query) {
    return query.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
  }
}
