package io.lorastream.trainer;

import io.lorastream.trainer.gate.GateMetric;
import java.nio.file.Path;

/**
 * When a candidate adapter may be published. The gate scores the candidate, the base model and the
 * published version query by query (nDCG@10) on the same evaluation queries and compares them as
 * paired samples (a paired bootstrap over queries): a candidate is published when the lower
 * confidence bound of its gain over the base is above {@code minGain} and, once a version is
 * published, the upper bound of its gain over that version is above {@code -tolerance} (it is not
 * shown to be worse than what users have); never before {@code minQueries} evaluation queries
 * exist.
 *
 * @param tolerance a candidate shown to be worse than the published version by more than this is
 *     refused, >= 0 (key {@code gate-tolerance}, default 0.005; inf turns the gate off: every
 *     candidate is published)
 * @param minQueries evaluation queries needed before anything is published (key {@code
 *     gate-min-queries})
 * @param confidence the one-sided confidence of both bounds, in (0.5, 1) (key {@code
 *     gate-confidence}, default 0.95)
 * @param minGain what the lower bound of the gain over the base must exceed, in [-1, 1) (key {@code
 *     gate-min-gain}, default 0: a candidate must be better than the base with confidence; a
 *     negative value allows a bounded loss)
 * @param metric how documents the held-out feedback never judged count (key {@code gate-metric},
 *     default {@code condensed}; see {@link GateMetric})
 * @param evalDataset a fixed BEIR-format folder to evaluate on instead of the held-out slice, or
 *     null (key {@code eval-dataset})
 * @param evalSplit the split of {@code evalDataset} to evaluate on (key {@code eval-split}, default
 *     {@code test})
 */
public record GateSettings(
    double tolerance,
    int minQueries,
    double confidence,
    double minGain,
    GateMetric metric,
    Path evalDataset,
    String evalSplit) {

  public static final int DEFAULT_MIN_QUERIES = 30;
  public static final GateSettings DEFAULTS =
      new GateSettings(0.005, DEFAULT_MIN_QUERIES, 0.95, 0.0, GateMetric.CONDENSED, null, "test");

  public GateSettings {
    if (!(tolerance >= 0)) { // +infinity is allowed: never compare with the published version
      throw new IllegalArgumentException(
          "gate-tolerance must be a number >= 0 (or inf), got " + tolerance);
    }
    if (minQueries < 1) {
      throw new IllegalArgumentException("gate-min-queries must be >= 1, got " + minQueries);
    }
    if (!(confidence > 0.5 && confidence < 1)) {
      throw new IllegalArgumentException(
          "gate-confidence must be in (0.5, 1), e.g. 0.95, got " + confidence);
    }
    if (!(minGain >= -1 && minGain < 1)) {
      throw new IllegalArgumentException(
          "gate-min-gain must be a number in [-1, 1) (a gain in nDCG@10), got " + minGain);
    }
    java.util.Objects.requireNonNull(metric, "gate-metric");
    if (evalSplit == null || evalSplit.isBlank()) {
      throw new IllegalArgumentException(
          "eval-split must name a split such as test, got '" + evalSplit + "'");
    }
  }

  /** True when every candidate is published (tolerance inf): no comparison is made. */
  public boolean open() {
    return tolerance == Double.POSITIVE_INFINITY;
  }

  /** True when a fixed BEIR set replaces the held-out slice. */
  public boolean fixedEvalSet() {
    return evalDataset != null;
  }
}
