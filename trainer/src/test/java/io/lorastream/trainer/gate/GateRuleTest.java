package io.lorastream.trainer.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.trainer.GateSettings;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The gate's decision on per-query scores: published only with confidence, neither loose nor
 * frozen.
 */
class GateRuleTest {

  private static final GateSettings GATE = GateSettings.DEFAULTS;

  /**
   * Per-query nDCG@10 of a base and of a candidate whose gain per query has mean {@code gain} and
   * spread {@code sd}.
   */
  private static double[][] scores(int n, double gain, double sd, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] base = new double[n];
    double[] cand = new double[n];
    for (int i = 0; i < n; i++) {
      base[i] = r.nextDouble();
      // a query either moves (with probability 1/2, by twice the mean give or take sd) or does not,
      // as rankings do
      cand[i] =
          r.nextBoolean()
              ? base[i] + 2 * gain + sd * (2 * r.nextDouble() - 1) * Math.sqrt(3)
              : base[i];
    }
    return new double[][] {cand, base};
  }

  private static GateDecision decide(double[][] s, double[] published) {
    return QualityGate.rule(GATE, s[0], s[1], published, 5000, 1, Map.of());
  }

  @Test
  void aSmallRealImprovementIsPublishedOnceEnoughQueriesAreHeldOut() {
    // gain 0.02: as the held-out slice grows by 25 queries per evaluation from 50, the bound clears
    // 0 within 12
    // evaluations, and every evaluation after that publishes too
    for (long seed = 1; seed <= 5; seed++) {
      Integer first = null;
      for (int k = 0; k < 16; k++) {
        GateDecision d = decide(scores(50 + 25 * k, 0.02, 0.1, seed), null);
        if (d.accepted() && first == null) {
          first = k;
        }
        if (k >= 12) {
          assertThat(d.accepted()).as("seed %d, evaluation %d: %s", seed, k, d.reason()).isTrue();
        }
      }
      assertThat(first).as("seed %d", seed).isNotNull().isLessThanOrEqualTo(12);
    }
  }

  @Test
  void noGainIsPublishedInAboutOneDecisionInTwentyWhenTheBoundMustClearZero() {
    GateSettings strict =
        new GateSettings(0.005, 50, 0.95, 0.0, GateMetric.CONDENSED, null, "test");
    int published = 0;
    for (long seed = 0; seed < 200; seed++) {
      double[][] s = scores(100, 0.0, 0.1, seed);
      published +=
          QualityGate.rule(strict, s[0], s[1], null, 5000, seed, Map.of()).accepted() ? 1 : 0;
    }
    assertThat(published).isBetween(0, 20); // a one-sided 95% bound: about 10 of 200
  }

  @Test
  void byDefaultALossBeyondTheToleranceIsNeverPublished() {
    // the default bound must clear -0.005: a candidate 0.02 worse than the base never does
    for (long seed = 0; seed < 200; seed++) {
      assertThat(decide(scores(100, -0.02, 0.1, seed), null).accepted())
          .as("a loss, seed %d", seed)
          .isFalse();
    }
  }

  @Test
  void aCandidateBetterThanTheBaseButShownWorseThanThePublishedVersionIsRejected() {
    double[][] s = scores(200, 0.03, 0.05, 3);
    double[] published = new double[s[0].length];
    for (int i = 0; i < published.length; i++) {
      published[i] = s[0][i] + 0.03;
    }
    GateDecision d = decide(s, published);
    assertThat(d.vsBase().lowerBound()).isPositive();
    assertThat(d.vsPublished().upperBound()).isLessThan(-0.005);
    assertThat(d.accepted()).isFalse();
    assertThat(d.reason()).contains("published version").contains("gate-tolerance");
    assertThat(decide(s, s[1]).accepted())
        .isTrue(); // against a published version no better than the base
  }

  @Test
  void aPublishedVersionThatLookedBetterThanItIsDoesNotHoldLaterCandidatesBack() {
    // the published version's held-out score is 0.01 above the candidate's, within the noise: not
    // shown worse
    double[][] s = scores(200, 0.04, 0.05, 5);
    double[] published = new double[s[0].length];
    SplittableRandom r = new SplittableRandom(8);
    for (int i = 0; i < published.length; i++) {
      published[i] = s[0][i] + 0.01 + 0.1 * (2 * r.nextDouble() - 1);
    }
    assertThat(decide(s, published).accepted()).isTrue();
  }

  @Test
  void everyFigureOfTheDecisionGoesIntoTheManifest() {
    double[][] s = scores(100, 0.05, 0.05, 9);
    GateDecision d = decide(s, s[1]);
    assertThat(d.manifestFigures())
        .containsKeys(
            "candidate_ndcg@10",
            "base_ndcg@10",
            "published_ndcg@10",
            "gain_vs_base",
            "gain_vs_base_lower_bound",
            "gain_vs_published",
            "gain_vs_published_upper_bound",
            "eval_queries",
            "gate_confidence",
            "gate_min_gain",
            "gate_tolerance");
    assertThat(d.manifestFigures().get("eval_queries")).isEqualTo(100.0);
  }

  @Test
  void anOpenGatePublishesEveryCandidate() {
    GateSettings open =
        new GateSettings(
            Double.POSITIVE_INFINITY, 1, 0.95, 0.0, GateMetric.CONDENSED, null, "test");
    double[][] s = scores(10, -0.2, 0.05, 1);
    assertThat(QualityGate.rule(open, s[0], s[1], null, 10, 1, Map.of()).accepted()).isTrue();
  }
}
