package io.lorastream.model.optim;

/**
 * AdamW hyperparameters, with torch.optim.AdamW's defaults and range checks. The learning rate and
 * weight decay here are the defaults of parameter groups that do not set their own.
 *
 * @param learningRate lr, >= 0; default 1e-3
 * @param beta1 decay of the first moment, in [0, 1); default 0.9
 * @param beta2 decay of the second moment, in [0, 1); default 0.999
 * @param eps added to the denominator, >= 0; default 1e-8
 * @param weightDecay decoupled weight decay, >= 0; default 1e-2
 */
public record AdamWConfig(
    double learningRate, double beta1, double beta2, double eps, double weightDecay) {

  /** torch.optim.AdamW's defaults. */
  public static final AdamWConfig TORCH_DEFAULTS = new AdamWConfig(1e-3, 0.9, 0.999, 1e-8, 1e-2);

  public AdamWConfig {
    requireAtLeastZero("learning rate", learningRate);
    requireBeta("beta1", beta1);
    requireBeta("beta2", beta2);
    requireAtLeastZero("eps", eps);
    requireAtLeastZero("weight decay", weightDecay);
  }

  /** torch's defaults with another learning rate. */
  public static AdamWConfig withLearningRate(double learningRate) {
    return new AdamWConfig(learningRate, 0.9, 0.999, 1e-8, 1e-2);
  }

  private static void requireAtLeastZero(String field, double value) {
    if (!(value >= 0) || !Double.isFinite(value)) {
      throw new IllegalArgumentException(
          "AdamW " + field + " must be a finite number >= 0, got " + value);
    }
  }

  private static void requireBeta(String field, double value) {
    if (!(value >= 0 && value < 1)) {
      throw new IllegalArgumentException("AdamW " + field + " must be in [0, 1), got " + value);
    }
  }
}
