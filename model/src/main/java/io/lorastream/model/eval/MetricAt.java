package io.lorastream.model.eval;

import java.util.Comparator;

/**
 * One metric at one cut-off, e.g. nDCG@10. Its {@link #toString()} ({@code ndcg@10}) is the key the
 * {@code eval} command prints; code uses the record itself.
 *
 * @param metric which metric
 * @param k how many top-ranked documents it looks at; at least 1
 */
public record MetricAt(Metric metric, int k) implements Comparable<MetricAt> {
  private static final Comparator<MetricAt> ORDER =
      Comparator.comparing(MetricAt::metric).thenComparingInt(MetricAt::k);

  public static final MetricAt NDCG_AT_10 = new MetricAt(Metric.NDCG, 10);
  public static final MetricAt MRR_AT_10 = new MetricAt(Metric.MRR, 10);
  public static final MetricAt RECALL_AT_100 = new MetricAt(Metric.RECALL, 100);

  public MetricAt {
    if (metric == null) {
      throw new IllegalArgumentException("metric must not be null");
    }
    if (k < 1) {
      throw new IllegalArgumentException(
          "cut-off k of " + metric.label() + " must be >= 1, got " + k);
    }
  }

  public static MetricAt of(Metric metric, int k) {
    return new MetricAt(metric, k);
  }

  /** Parses {@code ndcg@10}. */
  public static MetricAt parse(String s) {
    int at = s.indexOf('@');
    if (at < 0) {
      throw new IllegalArgumentException("metric '" + s + "' must look like name@k, e.g. ndcg@10");
    }
    int k;
    try {
      k = Integer.parseInt(s.substring(at + 1).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "metric '" + s + "' must end in an integer cut-off, e.g. ndcg@10");
    }
    return new MetricAt(Metric.fromLabel(s.substring(0, at)), k);
  }

  @Override
  public int compareTo(MetricAt o) {
    return ORDER.compare(this, o);
  }

  @Override
  public String toString() {
    return metric.label() + "@" + k;
  }
}
