package io.lorastream.trainer.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PairedBootstrapTest {

  /**
   * n queries whose per-query nDCG differences have mean {@code gain} and spread about {@code sd}
   * (seeded).
   */
  private static double[][] scores(int n, double gain, double sd, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] base = new double[n];
    double[] cand = new double[n];
    for (int i = 0; i < n; i++) {
      base[i] = r.nextDouble();
      cand[i] =
          base[i]
              + gain
              + sd * (r.nextDouble() * 2 - 1) * Math.sqrt(3); // uniform with standard deviation sd
    }
    return new double[][] {cand, base};
  }

  @Test
  void theGainIsThePairedMeanDifferenceAndTheBoundAQuantileOfItsResamples() {
    // differences 0.1, 0.1, 0.1, 0.1: every resample has mean 0.1
    PairedBootstrap.Gain g =
        PairedBootstrap.lowerBound(
            new double[] {0.6, 0.7, 0.8, 0.9}, new double[] {0.5, 0.6, 0.7, 0.8}, 0.95, 1000, 1);
    assertThat(g.gain()).isCloseTo(0.1, within(1e-12));
    assertThat(g.lowerBound()).isCloseTo(0.1, within(1e-12));
    assertThat(g.queries()).isEqualTo(4);
  }

  @Test
  void aKnownGainIsFoundWithAPositiveLowerBound() {
    // gain 0.03, per-query spread 0.12, 200 queries: standard error 0.0085, so the 95% bound is
    // about 0.03 - 0.014
    double[][] s = scores(200, 0.03, 0.12, 7);
    PairedBootstrap.Gain g = PairedBootstrap.lowerBound(s[0], s[1], 0.95, 2000, 3);
    assertThat(g.gain()).isCloseTo(0.03, within(0.02));
    assertThat(g.lowerBound()).isPositive().isLessThan(g.gain());
    assertThat(g.gain() - g.lowerBound()).isCloseTo(1.645 * 0.12 / Math.sqrt(200), within(0.005));
  }

  @Test
  void noGainGivesABoundBelowZeroSoNothingIsPublished() {
    int positive = 0;
    for (long seed = 0; seed < 100; seed++) {
      double[][] s = scores(100, 0.0, 0.15, seed);
      if (PairedBootstrap.lowerBound(s[0], s[1], 0.95, 2000, seed).lowerBound() > 0) {
        positive++;
      }
    }
    // a one-sided 95% bound is above the true gain (0) in about 5% of samples
    assertThat(positive).isBetween(0, 12);
  }

  @Test
  void theSameInputsAndSeedGiveTheSameBound() {
    double[][] s = scores(50, 0.01, 0.1, 11);
    assertThat(PairedBootstrap.lowerBound(s[0], s[1], 0.9, 500, 5))
        .isEqualTo(PairedBootstrap.lowerBound(s[0], s[1], 0.9, 500, 5));
  }

  @Test
  void unpairedOrEmptyScoresAreRefused() {
    assertThatThrownBy(
            () -> PairedBootstrap.lowerBound(new double[] {1}, new double[] {1, 2}, 0.95, 1000, 1))
        .hasMessageContaining("same queries");
    assertThatThrownBy(
            () -> PairedBootstrap.lowerBound(new double[0], new double[0], 0.95, 1000, 1))
        .hasMessageContaining("at least one query");
    assertThatThrownBy(
            () -> PairedBootstrap.lowerBound(new double[] {1}, new double[] {1}, 0.4, 1000, 1))
        .hasMessageContaining("confidence");
  }
}
