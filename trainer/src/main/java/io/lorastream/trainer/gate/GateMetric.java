package io.lorastream.trainer.gate;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How the gate scores a ranking against feedback that judged only some documents. Held-out clicks
 * judge the documents users were shown for a query: the clicked ones relevant, the others not;
 * relevance labels judge the documents they name. A candidate ranks every document the trainer
 * knows, and documents nobody judged for the query count:
 *
 * <ul>
 *   <li>{@code condensed} (default): not at all: they are left out of the ranking before nDCG@10 is
 *       computed (Sakai's condensed lists, SIGIR 2007), so a candidate is judged on how it orders
 *       what users judged. A candidate that brings unseen relevant documents up is not penalised
 *       for them, which matters where queries have many relevant documents and users saw few of
 *       them.
 *   <li>{@code full}: as not relevant (plain nDCG@10 of the full ranking on the judgments): right
 *       when judgments are complete, as with exhaustive relevance labels; on click feedback it
 *       penalises every unseen document a candidate brings up, relevant or not.
 * </ul>
 */
public enum GateMetric {
  CONDENSED,
  FULL;

  private static final int K = 10;

  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static GateMetric parse(String s) {
    for (GateMetric m : values()) {
      if (m.configName().equals(s.strip().toLowerCase(Locale.ROOT))) {
        return m;
      }
    }
    throw new IllegalArgumentException("gate-metric must be condensed or full, got '" + s + "'");
  }

  /**
   * nDCG@10 of one query.
   *
   * @param ranking the model's ranking, best first: of every document it knows (at least its top
   *     10) for {@code full}; for {@code condensed}, the ranking of the judged documents suffices
   * @param gains relevant document -> gain > 0
   * @param judged the documents the feedback judged, or null when every document is judged
   */
  public double ndcgAt10(List<String> ranking, Map<String, Double> gains, Set<String> judged) {
    double dcg = 0;
    int rank = 0;
    for (String doc : ranking) {
      if (rank == K) {
        break;
      }
      if (this == CONDENSED && judged != null && !judged.contains(doc) && !gains.containsKey(doc)) {
        continue;
      }
      dcg += gains.getOrDefault(doc, 0.0) * discount(rank);
      rank++;
    }
    double[] ideal = gains.values().stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double idcg = 0;
    for (int i = 0; i < Math.min(K, ideal.length); i++) {
      idcg += ideal[ideal.length - 1 - i] * discount(i);
    }
    return dcg / idcg;
  }

  private static double discount(int i) {
    return Math.log(2) / Math.log(i + 2);
  }
}
