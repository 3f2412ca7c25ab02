package io.lorastream.model.eval;

import java.util.Locale;

/**
 * The retrieval metrics of sentence-transformers' {@code InformationRetrievalEvaluator}, each taken
 * at a cut-off k (see {@link MetricAt}). Definitions are in {@link RetrievalMetrics}.
 */
public enum Metric {
  NDCG,
  MRR,
  RECALL,
  PRECISION,
  ACCURACY,
  MAP;

  /** The lowercase name used in metric keys such as {@code ndcg@10}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Reads a label ({@code ndcg}, {@code mrr}, ...), case-insensitively. */
  public static Metric fromLabel(String label) {
    for (Metric m : values()) {
      if (m.label().equalsIgnoreCase(label.trim())) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "unknown metric '"
            + label
            + "': expected one of ndcg, mrr, recall, precision, accuracy, map");
  }
}
