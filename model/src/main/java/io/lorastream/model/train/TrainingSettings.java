package io.lorastream.model.train;

import io.lorastream.model.adapter.AdaptationMode;
import io.lorastream.model.loss.LossConfig;
import io.lorastream.model.optim.AdamWConfig;
import io.lorastream.model.optim.LearningRateSchedule;

/**
 * How a {@link LoraTrainingSession} takes steps: the knobs users know from AutoTrain's CLI
 * (learning rate, warmup, weight decay, batch size, gradient accumulation, mixed precision), LoRA+
 * and the loss. The LoRA shape itself is the adapter's {@code LoraConfig}.
 *
 * @param loss the loss and its hyperparameters
 * @param optimizer AdamW hyperparameters (learning rate of the A matrices, betas, eps, weight
 *     decay)
 * @param loraPlusRatio learning rate of B over A (LoRA+), >= 1; 1 is plain LoRA
 * @param schedule learning-rate warmup and decay by step
 * @param microBatchSize pairs per forward/backward pass; a step's pairs are cut into micro-batches
 * @param mode adapt queries only, or queries and documents
 * @param mixedPrecision forward and backward in FP16 with float32 master weights and loss scaling
 *     (for GPUs; it runs on CPU too, slowly)
 * @param seed seeds dropout; a step's randomness is a function of (seed, step), so training resumed
 *     from a checkpoint repeats exactly
 */
public record TrainingSettings(
    LossConfig loss,
    AdamWConfig optimizer,
    double loraPlusRatio,
    LearningRateSchedule schedule,
    int microBatchSize,
    AdaptationMode mode,
    boolean mixedPrecision,
    long seed) {

  public static final TrainingSettings DEFAULT =
      new TrainingSettings(
          LossConfig.DEFAULT,
          new AdamWConfig(2e-4, 0.9, 0.999, 1e-8, 0.01),
          1.0,
          LearningRateSchedule.warmupThenConstant(10),
          16,
          AdaptationMode.QUERY,
          false,
          42);

  public TrainingSettings {
    if (loss == null || optimizer == null || schedule == null || mode == null) {
      throw new IllegalArgumentException(
          "training settings need a loss, an optimizer, a schedule and a mode");
    }
    if (!(loraPlusRatio >= 1) || !Double.isFinite(loraPlusRatio)) {
      throw new IllegalArgumentException(
          "lora_plus_ratio must be a finite number >= 1, got " + loraPlusRatio);
    }
    if (microBatchSize < 1 || microBatchSize > 4096) {
      throw new IllegalArgumentException(
          "micro batch size must be in 1..4096, got " + microBatchSize);
    }
  }

  public TrainingSettings withMode(AdaptationMode newMode) {
    return new TrainingSettings(
        loss, optimizer, loraPlusRatio, schedule, microBatchSize, newMode, mixedPrecision, seed);
  }

  public TrainingSettings withLoss(LossConfig newLoss) {
    return new TrainingSettings(
        newLoss, optimizer, loraPlusRatio, schedule, microBatchSize, mode, mixedPrecision, seed);
  }

  public TrainingSettings withOptimizer(AdamWConfig newOptimizer) {
    return new TrainingSettings(
        loss, newOptimizer, loraPlusRatio, schedule, microBatchSize, mode, mixedPrecision, seed);
  }

  public TrainingSettings withMicroBatchSize(int size) {
    return new TrainingSettings(
        loss, optimizer, loraPlusRatio, schedule, size, mode, mixedPrecision, seed);
  }

  public TrainingSettings withMixedPrecision(boolean fp16) {
    return new TrainingSettings(
        loss, optimizer, loraPlusRatio, schedule, microBatchSize, mode, fp16, seed);
  }

  public TrainingSettings withSeed(long newSeed) {
    return new TrainingSettings(
        loss, optimizer, loraPlusRatio, schedule, microBatchSize, mode, mixedPrecision, newSeed);
  }

  public TrainingSettings withSchedule(LearningRateSchedule newSchedule) {
    return new TrainingSettings(
        loss, optimizer, loraPlusRatio, newSchedule, microBatchSize, mode, mixedPrecision, seed);
  }

  public TrainingSettings withLoraPlusRatio(double ratio) {
    return new TrainingSettings(
        loss, optimizer, ratio, schedule, microBatchSize, mode, mixedPrecision, seed);
  }
}
