package io.lorastream.model.optim;

import java.util.Locale;

/**
 * The learning-rate multiplier as a pure function of the optimizer step t = 1, 2, ...: linear
 * warmup over the first W steps, then constant, or then linear decay reaching 0 after T steps.
 *
 * <pre>
 *   t <= W            t / W
 *   t >  W, CONSTANT  1
 *   t >  W, LINEAR    max(0, (T - t + 1) / (T - W))
 * </pre>
 *
 * The decay is Hugging Face's get_linear_schedule_with_warmup evaluated at its counter s = t - 1;
 * warmup differs in starting at 1 / W rather than 0, so the first step is not spent at lr 0.
 *
 * @param warmupSteps W >= 0 (0: no warmup)
 * @param totalSteps T > W for LINEAR; 0 for CONSTANT (a continual trainer has no end)
 * @param decay what follows the warmup
 */
public record LearningRateSchedule(long warmupSteps, long totalSteps, Decay decay) {

  /** What follows the warmup. */
  public enum Decay {
    CONSTANT,
    LINEAR;

    public static Decay parse(String name) {
      return switch (name == null ? "" : name.trim().toLowerCase(Locale.ROOT)) {
        case "constant" -> CONSTANT;
        case "linear" -> LINEAR;
        default ->
            throw new IllegalArgumentException(
                "unknown learning-rate decay '" + name + "': expected 'constant' or 'linear'");
      };
    }
  }

  public LearningRateSchedule {
    if (decay == null) {
      throw new IllegalArgumentException("learning-rate decay must be 'constant' or 'linear'");
    }
    if (warmupSteps < 0) {
      throw new IllegalArgumentException("warmup steps must be >= 0, got " + warmupSteps);
    }
    if (decay == Decay.LINEAR && totalSteps <= warmupSteps) {
      throw new IllegalArgumentException(
          "linear decay needs total steps > warmup steps, got total "
              + totalSteps
              + " and warmup "
              + warmupSteps);
    }
    if (decay == Decay.CONSTANT && totalSteps != 0) {
      throw new IllegalArgumentException(
          "total steps ("
              + totalSteps
              + ") only apply to linear"
              + " decay; set decay 'linear' or leave total steps at 0");
    }
  }

  /** Multiplier 1 at every step. */
  public static LearningRateSchedule constant() {
    return new LearningRateSchedule(0, 0, Decay.CONSTANT);
  }

  public static LearningRateSchedule warmupThenConstant(long warmupSteps) {
    return new LearningRateSchedule(warmupSteps, 0, Decay.CONSTANT);
  }

  public static LearningRateSchedule warmupThenLinearDecay(long warmupSteps, long totalSteps) {
    return new LearningRateSchedule(warmupSteps, totalSteps, Decay.LINEAR);
  }

  /**
   * @param step t, the 1-based number of the update about to be taken
   * @return the factor on every group's learning rate, in [0, 1]
   */
  public double multiplier(long step) {
    if (step < 1) {
      throw new IllegalArgumentException("optimizer steps count from 1, got " + step);
    }
    if (step <= warmupSteps) {
      return (double) step / warmupSteps;
    }
    if (decay == Decay.CONSTANT) {
      return 1.0;
    }
    return Math.max(0.0, (double) (totalSteps - step + 1) / (totalSteps - warmupSteps));
  }
}
