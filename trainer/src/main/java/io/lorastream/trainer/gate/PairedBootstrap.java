package io.lorastream.trainer.gate;

import io.lorastream.trainer.step.SplitMix64;
import java.util.Arrays;

/**
 * The mean gain of one model over another on the same queries, with one-sided confidence bounds
 * from a paired bootstrap over queries (Efron and Tibshirani, ch. 13; the usual significance test
 * of IR evaluation, e.g. Sakai 2006): the per-query differences are resampled with replacement
 * {@code resamples} times; the lower bound is the {@code 1 - confidence} quantile of the resampled
 * means, the upper bound the {@code confidence} quantile. Pure math, deterministic for a given
 * seed.
 */
public final class PairedBootstrap {

  /**
   * @param gain mean of {@code candidate[q] - reference[q]}
   * @param lowerBound the candidate's gain is above this with the given confidence
   * @param upperBound ... and below this with the given confidence
   * @param queries number of paired queries
   */
  public record Gain(double gain, double lowerBound, double upperBound, int queries) {}

  private PairedBootstrap() {}

  /**
   * @param candidate per-query scores of the model judged
   * @param reference per-query scores of the model it is compared with, same queries in the same
   *     order
   * @param confidence in (0.5, 1), e.g. 0.95 for a one-sided 95% bound
   * @param resamples bootstrap resamples, >= 100
   * @param seed seeds the resampling (the same inputs and seed give the same bound)
   */
  public static Gain lowerBound(
      double[] candidate, double[] reference, double confidence, int resamples, long seed) {
    if (candidate.length != reference.length) {
      throw new IllegalArgumentException(
          "paired scores need the same queries: "
              + candidate.length
              + " against "
              + reference.length);
    }
    if (candidate.length == 0) {
      throw new IllegalArgumentException("a bootstrap needs at least one query");
    }
    if (!(confidence > 0.5 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be in (0.5, 1), got " + confidence);
    }
    if (resamples < 100) {
      throw new IllegalArgumentException("resamples must be >= 100, got " + resamples);
    }
    int n = candidate.length;
    double[] diff = new double[n];
    double sum = 0;
    for (int q = 0; q < n; q++) {
      diff[q] = candidate[q] - reference[q];
      if (!Double.isFinite(diff[q])) {
        throw new IllegalArgumentException(
            "query " + q + " has a non-finite score: " + candidate[q] + " - " + reference[q]);
      }
      sum += diff[q];
    }
    double mean = sum / n;
    SplitMix64 random = new SplitMix64(seed);
    double[] means = new double[resamples];
    for (int r = 0; r < resamples; r++) {
      double s = 0;
      for (int i = 0; i < n; i++) {
        s += diff[random.nextInt(n)];
      }
      means[r] = s / n;
    }
    Arrays.sort(means);
    // the (1 - confidence) quantile, rounded down: the conservative side
    int index = (int) Math.floor((1 - confidence) * resamples);
    double lower = Math.min(means[Math.min(index, resamples - 1)], mean);
    double upper = Math.max(means[Math.max(resamples - 1 - index, 0)], mean);
    return new Gain(mean, lower, upper, n);
  }
}
