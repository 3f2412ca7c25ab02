package io.lorastream.model.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Dataset-level retrieval figures: each metric's mean over the evaluated queries.
 *
 * @param means metric -> mean over queries
 * @param queryCount how many queries were averaged
 */
public record RetrievalScores(SortedMap<MetricAt, Double> means, int queryCount) {

  public RetrievalScores {
    if (means == null || means.isEmpty()) {
      throw new IllegalArgumentException("means must name at least one metric");
    }
    if (queryCount < 1) {
      throw new IllegalArgumentException("queryCount must be >= 1, got " + queryCount);
    }
    means = Collections.unmodifiableSortedMap(new TreeMap<>(means));
  }

  /** The mean of one metric; fails naming the metrics that were computed if it was not. */
  public double get(MetricAt metric) {
    Double v = means.get(metric);
    if (v == null) {
      throw new IllegalArgumentException(
          metric
              + " was not computed; computed: "
              + means.keySet()
              + " (ask for it in the evaluator's metrics)");
    }
    return v;
  }

  public double get(Metric metric, int k) {
    return get(MetricAt.of(metric, k));
  }

  public double ndcgAt10() {
    return get(MetricAt.NDCG_AT_10);
  }

  public double mrrAt10() {
    return get(MetricAt.MRR_AT_10);
  }

  public double recallAt100() {
    return get(MetricAt.RECALL_AT_100);
  }

  /** {@code "ndcg@10" -> value, ...} in metric order, for JSON output. */
  public Map<String, Double> asFlatMap() {
    Map<String, Double> out = new LinkedHashMap<>();
    means.forEach((m, v) -> out.put(m.toString(), v));
    return out;
  }
}
