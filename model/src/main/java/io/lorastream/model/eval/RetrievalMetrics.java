package io.lorastream.model.eval;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The per-query metrics of sentence-transformers' {@code InformationRetrievalEvaluator} ({@code
 * compute_metrics}), as pure functions of a ranking and the set of relevant documents.
 *
 * <p>Relevance is binary: a document is relevant or not (qrels scores > 0, see {@link Qrels}). Let
 * {@code ranked} be the documents best first, {@code R} the relevant set, {@code hits@k} the number
 * of relevant documents among the first k ranked. Then, exactly as in ST:
 *
 * <ul>
 *   <li>accuracy@k = 1 if hits@k > 0, else 0;
 *   <li>precision@k = hits@k / k (k, not the number retrieved, even when fewer than k were
 *       retrieved);
 *   <li>recall@k = hits@k / |R| (relevant documents missing from the searched pool still count in
 *       |R|);
 *   <li>MRR@k = 1 / rank of the first relevant document within the top k (rank from 1), else 0;
 *   <li>nDCG@k = DCG@k / IDCG@k with DCG@k = sum over ranks i = 0..k-1 of rel_i / log2(i + 2) and
 *       IDCG@k the same sum over min(|R|, k) relevant documents;
 *   <li>MAP@k (average precision) = sum over relevant ranks i < k of (hits@(i+1) / (i+1)), divided
 *       by min(k, |R|).
 * </ul>
 *
 * The dataset figure of each metric is the plain mean over queries ({@link #mean}). Queries with no
 * relevant document have no defined recall or nDCG; ST drops them before evaluating, and so must
 * callers (these functions reject an empty {@code R}).
 */
public final class RetrievalMetrics {

  /**
   * ST's default cut-offs (accuracy and precision/recall @1,3,5,10, MRR@10, nDCG@10, MAP@100) plus
   * recall@100, which the project reports.
   */
  public static final List<MetricAt> DEFAULT_METRICS =
      List.of(
          MetricAt.NDCG_AT_10,
          MetricAt.MRR_AT_10,
          MetricAt.of(Metric.RECALL, 1),
          MetricAt.of(Metric.RECALL, 3),
          MetricAt.of(Metric.RECALL, 5),
          MetricAt.of(Metric.RECALL, 10),
          MetricAt.RECALL_AT_100,
          MetricAt.of(Metric.PRECISION, 1),
          MetricAt.of(Metric.PRECISION, 3),
          MetricAt.of(Metric.PRECISION, 5),
          MetricAt.of(Metric.PRECISION, 10),
          MetricAt.of(Metric.ACCURACY, 1),
          MetricAt.of(Metric.ACCURACY, 3),
          MetricAt.of(Metric.ACCURACY, 5),
          MetricAt.of(Metric.ACCURACY, 10),
          MetricAt.of(Metric.MAP, 100));

  private RetrievalMetrics() {}

  /** The largest cut-off among {@code metrics}: how many documents a ranking must hold. */
  public static int maxK(Collection<MetricAt> metrics) {
    return metrics.stream()
        .mapToInt(MetricAt::k)
        .max()
        .orElseThrow(() -> new IllegalArgumentException("at least one metric is needed"));
  }

  /**
   * All {@code metrics} for one query.
   *
   * @param ranked document ids, best first, no repeats; may be shorter than the cut-offs
   * @param relevant the query's relevant document ids; not empty
   */
  public static SortedMap<MetricAt, Double> forQuery(
      List<String> ranked, Set<String> relevant, Collection<MetricAt> metrics) {
    requireRelevant(relevant);
    if (new HashSet<>(ranked).size() != ranked.size()) {
      throw new IllegalArgumentException("ranking repeats a document id: " + ranked);
    }
    SortedMap<MetricAt, Double> out = new TreeMap<>();
    for (MetricAt m : metrics) {
      out.put(m, value(m, ranked, relevant));
    }
    return out;
  }

  /** One metric for one query; see the class comment for the definitions. */
  public static double value(MetricAt m, List<String> ranked, Set<String> relevant) {
    return switch (m.metric()) {
      case ACCURACY -> accuracyAt(ranked, relevant, m.k());
      case PRECISION -> precisionAt(ranked, relevant, m.k());
      case RECALL -> recallAt(ranked, relevant, m.k());
      case MRR -> mrrAt(ranked, relevant, m.k());
      case NDCG -> ndcgAt(ranked, relevant, m.k());
      case MAP -> averagePrecisionAt(ranked, relevant, m.k());
    };
  }

  public static double accuracyAt(List<String> ranked, Set<String> relevant, int k) {
    return hitsAt(ranked, relevant, k) > 0 ? 1.0 : 0.0;
  }

  public static double precisionAt(List<String> ranked, Set<String> relevant, int k) {
    return (double) hitsAt(ranked, relevant, k) / k;
  }

  public static double recallAt(List<String> ranked, Set<String> relevant, int k) {
    requireRelevant(relevant);
    return (double) hitsAt(ranked, relevant, k) / relevant.size();
  }

  public static double mrrAt(List<String> ranked, Set<String> relevant, int k) {
    int n = Math.min(k, ranked.size());
    for (int i = 0; i < n; i++) {
      if (relevant.contains(ranked.get(i))) {
        return 1.0 / (i + 1);
      }
    }
    return 0.0;
  }

  public static double ndcgAt(List<String> ranked, Set<String> relevant, int k) {
    requireRelevant(relevant);
    double dcg = 0;
    int n = Math.min(k, ranked.size());
    for (int i = 0; i < n; i++) {
      if (relevant.contains(ranked.get(i))) {
        dcg += discount(i);
      }
    }
    double idcg = 0;
    int ideal = Math.min(k, relevant.size());
    for (int i = 0; i < ideal; i++) {
      idcg += discount(i);
    }
    return dcg / idcg;
  }

  /**
   * Graded nDCG@k with linear gains (trec_eval's {@code ndcg_cut}, which BEIR reports): DCG = sum
   * over the top k of gain / log2(rank + 1), divided by the DCG of the gains sorted best first.
   * With every gain 1 it equals {@link #ndcgAt(List, Set, int)}.
   *
   * @param gains relevant document id -> gain > 0; at least one
   */
  public static double ndcgAt(List<String> ranked, Map<String, Double> gains, int k) {
    if (gains.isEmpty()) {
      throw new IllegalArgumentException(
          "a query needs at least one relevant document to be scored");
    }
    double dcg = 0;
    int n = Math.min(k, ranked.size());
    for (int i = 0; i < n; i++) {
      Double g = gains.get(ranked.get(i));
      if (g != null) {
        dcg += g * discount(i);
      }
    }
    double[] ideal = gains.values().stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double idcg = 0;
    for (int i = 0; i < Math.min(k, ideal.length); i++) {
      idcg += ideal[ideal.length - 1 - i] * discount(i);
    }
    return idcg > 0 ? dcg / idcg : 0;
  }

  public static double averagePrecisionAt(List<String> ranked, Set<String> relevant, int k) {
    requireRelevant(relevant);
    int hits = 0;
    double sum = 0;
    int n = Math.min(k, ranked.size());
    for (int i = 0; i < n; i++) {
      if (relevant.contains(ranked.get(i))) {
        hits++;
        sum += (double) hits / (i + 1);
      }
    }
    return sum / Math.min(k, relevant.size());
  }

  /**
   * The mean of each metric over queries, as ST reports it.
   *
   * @param perQuery one map per query, all with the same metrics; not empty
   */
  public static SortedMap<MetricAt, Double> mean(List<? extends Map<MetricAt, Double>> perQuery) {
    if (perQuery.isEmpty()) {
      throw new IllegalArgumentException(
          "no query to average over: every query needs at least one relevant document");
    }
    Set<MetricAt> keys = perQuery.get(0).keySet();
    SortedMap<MetricAt, Double> out = new TreeMap<>();
    for (MetricAt m : keys) {
      double sum = 0;
      for (Map<MetricAt, Double> q : perQuery) {
        Double v = q.get(m);
        if (v == null) {
          throw new IllegalArgumentException("a query lacks metric " + m + " that others have");
        }
        sum += v;
      }
      out.put(m, sum / perQuery.size());
    }
    return out;
  }

  private static int hitsAt(List<String> ranked, Set<String> relevant, int k) {
    int n = Math.min(k, ranked.size());
    int hits = 0;
    for (int i = 0; i < n; i++) {
      if (relevant.contains(ranked.get(i))) {
        hits++;
      }
    }
    return hits;
  }

  // 1 / log2(i + 2) for a 0-based rank i, ST's compute_dcg_at_k discount
  private static double discount(int i) {
    return Math.log(2) / Math.log(i + 2);
  }

  private static void requireRelevant(Set<String> relevant) {
    if (relevant == null || relevant.isEmpty()) {
      throw new IllegalArgumentException(
          "a query without relevant documents has no recall, nDCG or MAP; leave it out (as ST does)");
    }
  }
}
