package io.lorastream.model.train;

import io.lorastream.model.lora.AdapterWeights;
import io.lorastream.model.optim.AdamWState;

/**
 * Everything a {@link LoraTrainingSession} needs to continue exactly where it stopped: the adapter,
 * the optimizer's moments and step, the seed (dropout masks are a function of seed and step) and,
 * for mixed precision, the current loss scale.
 */
public record TrainingState(
    AdapterWeights adapter, AdamWState optimizer, long seed, double lossScale) {

  public TrainingState {
    if (adapter == null || optimizer == null) {
      throw new IllegalArgumentException(
          "a training state needs the adapter and the optimizer state");
    }
    if (!(lossScale >= 1) || !Double.isFinite(lossScale)) {
      throw new IllegalArgumentException(
          "loss scale must be a finite number >= 1, got " + lossScale);
    }
  }

  /** Optimizer steps taken. */
  public long step() {
    return optimizer.step();
  }
}
