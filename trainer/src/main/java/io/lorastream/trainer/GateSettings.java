package io.lorastream.trainer;

import java.nio.file.Path;

/**
 * When a candidate adapter may be published: its nDCG@10 on the evaluation set must not be below the
 * published version's (or, before the first version, the base model's) by more than the tolerance.
 *
 * @param tolerance how much worse than the published version a candidate may score, >= 0 (key
 *     {@code gate_tolerance}, default 0.005)
 * @param minQueries evaluation queries needed before anything is published; until then nothing is
 *     (key {@code gate_min_queries}, default 10)
 * @param evalDataset a fixed BEIR-format folder to evaluate on instead of the held-out slice, or
 *     null (key {@code eval_dataset})
 * @param evalSplit the split of {@code evalDataset} to evaluate on (key {@code eval_split}, default
 *     {@code test})
 */
public record GateSettings(double tolerance, int minQueries, Path evalDataset, String evalSplit) {

  public static final GateSettings DEFAULTS = new GateSettings(0.005, 10, null, "test");

  public GateSettings {
    if (!(tolerance >= 0)) { // +infinity is allowed: publish every candidate
      throw new IllegalArgumentException("gate_tolerance must be a number >= 0 (or inf), got " + tolerance);
    }
    if (minQueries < 1) {
      throw new IllegalArgumentException("gate_min_queries must be >= 1, got " + minQueries);
    }
    if (evalSplit == null || evalSplit.isBlank()) {
      throw new IllegalArgumentException("eval_split must name a split such as test, got '" + evalSplit + "'");
    }
  }

  /** True when a fixed BEIR set replaces the held-out slice. */
  public boolean fixedEvalSet() {
    return evalDataset != null;
  }
}
