package io.lorastream.model.eval;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One evaluated query: what it retrieved and how that scored. Kept per query so that two runs can
 * be compared query by query (paired significance tests).
 *
 * @param queryId the query's id
 * @param ranking the top documents, best first (as many as the largest metric cut-off)
 * @param metrics this query's value of each metric
 */
public record QueryResult(
    String queryId, List<ScoredDoc> ranking, SortedMap<MetricAt, Double> metrics) {

  public QueryResult {
    if (queryId == null) {
      throw new IllegalArgumentException("queryId must not be null");
    }
    ranking = List.copyOf(ranking);
    metrics = Collections.unmodifiableSortedMap(new TreeMap<>(metrics));
  }

  public double get(MetricAt metric) {
    Double v = metrics.get(metric);
    if (v == null) {
      throw new IllegalArgumentException(
          metric + " was not computed; computed: " + metrics.keySet());
    }
    return v;
  }
}
