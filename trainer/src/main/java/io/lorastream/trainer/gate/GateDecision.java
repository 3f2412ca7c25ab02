package io.lorastream.trainer.gate;

import io.lorastream.trainer.GateSettings;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the quality gate decided about one candidate, and on what figures: what an operator reads on
 * {@code /metrics} and in a version's signed manifest to see why it was or was not served.
 *
 * @param outcome accepted, rejected, or waiting (too few evaluation queries to judge)
 * @param reason one line naming the rule that decided
 * @param queries evaluation queries scored
 * @param documents documents each query was ranked against
 * @param candidate mean nDCG@10 of the candidate
 * @param base mean nDCG@10 of the base model
 * @param published mean nDCG@10 of the published version (the base's before the first version)
 * @param vsBase the candidate's gain over the base with its lower bound, null when waiting
 * @param vsPublished its gain over the published version with its lower bound, null before the
 *     first version
 * @param settings the gate settings it was judged under
 * @param gainByMetric the mean gain over the base under every {@link GateMetric}, for comparison
 *     (empty when waiting)
 * @param perQueryGains the candidate's gain over the base on each query under the gate's metric
 *     (empty when waiting)
 */
public record GateDecision(
    Outcome outcome,
    String reason,
    int queries,
    int documents,
    double candidate,
    double base,
    double published,
    PairedBootstrap.Gain vsBase,
    PairedBootstrap.Gain vsPublished,
    GateSettings settings,
    java.util.Map<String, Double> gainByMetric,
    double[] perQueryGains) {

  /** The three outcomes, as the metrics name them. */
  public enum Outcome {
    ACCEPTED,
    REJECTED,
    WAITING;

    public String metricName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public boolean accepted() {
    return outcome == Outcome.ACCEPTED;
  }

  /** The figures a version's manifest carries under {@code eval}. */
  public SortedMap<String, Double> manifestFigures() {
    SortedMap<String, Double> eval = new TreeMap<>();
    eval.put("candidate_ndcg@10", candidate);
    eval.put("base_ndcg@10", base);
    eval.put("eval_queries", (double) queries);
    eval.put("eval_documents", (double) documents);
    eval.put("gate_confidence", settings.confidence());
    eval.put("gate_min_gain", settings.minGain());
    if (vsBase != null) {
      eval.put("gain_vs_base", vsBase.gain());
      eval.put("gain_vs_base_lower_bound", vsBase.lowerBound());
    }
    if (vsPublished != null) {
      eval.put("published_ndcg@10", published);
      eval.put("gain_vs_published", vsPublished.gain());
      eval.put("gain_vs_published_upper_bound", vsPublished.upperBound());
      if (Double.isFinite(
          settings.tolerance())) { // inf: the gate is off, and a manifest holds finite figures
        eval.put("gate_tolerance", settings.tolerance());
      }
    }
    return eval;
  }
}
