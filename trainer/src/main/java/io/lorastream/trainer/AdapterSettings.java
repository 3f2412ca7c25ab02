package io.lorastream.trainer;

import io.lorastream.model.adapter.AdaptationMode;
import io.lorastream.model.lora.LoraConfig;
import io.lorastream.model.loss.LossConfig;
import io.lorastream.model.optim.AdamWConfig;
import io.lorastream.model.optim.LearningRateSchedule;
import io.lorastream.model.train.TrainingSettings;
import java.util.Objects;

/**
 * How one adapter is trained, validated at construction; the keys are AutoTrain's where it has one.
 * See {@link TrainerConfigFiles} for the file keys and defaults.
 *
 * @param loss the loss and its hyperparameters ({@code loss}, default mnrl)
 * @param lora rank, alpha, dropout, targets, rsLoRA ({@code lora-r}, {@code lora-alpha}, {@code
 *     lora-dropout}, {@code target-modules}, {@code use-rslora})
 * @param loraPlusRatio learning rate of B over A ({@code lora-plus-ratio}, >= 1; 1 = plain LoRA)
 * @param learningRate AdamW learning rate ({@code lr})
 * @param schedule warmup and decay ({@code warmup-steps} or {@code warmup-ratio}, {@code
 *     scheduler}, {@code total-steps})
 * @param weightDecay AdamW decoupled weight decay ({@code weight-decay})
 * @param batchSize pairs per forward/backward pass, which are also each other's in-batch negatives
 *     ({@code batch-size})
 * @param gradientAccumulation passes whose gradients make one optimizer step ({@code
 *     gradient-accumulation})
 * @param maxSeqLength tokens per text, special tokens included ({@code max-seq-length})
 * @param mixedPrecision FP16 compute with float32 masters ({@code mixed-precision})
 * @param mode {@code query} (documents keep base embeddings) or {@code both} ({@code mode})
 * @param seed seeds the LoRA init, dropout and the trainer's replay sampling ({@code seed})
 * @param replayFraction share of each step's pairs drawn from earlier ones ({@code
 *     replay-fraction}, in [0, 1))
 * @param replayBufferSize earlier pairs kept for replay ({@code replay-buffer})
 * @param maxNegatives hard negatives kept per pair ({@code max-negatives})
 * @param emaDecay the gate judges and publishes an exponential moving average of the trained
 *     weights with this decay per step, in [0, 1); 0 = the weights as trained ({@code ema-decay})
 * @param gate when a candidate may be published
 */
public record AdapterSettings(
    LossConfig loss,
    LoraConfig lora,
    double loraPlusRatio,
    double learningRate,
    LearningRateSchedule schedule,
    double weightDecay,
    int batchSize,
    int gradientAccumulation,
    int maxSeqLength,
    MixedPrecision mixedPrecision,
    AdaptationMode mode,
    long seed,
    double replayFraction,
    int replayBufferSize,
    int maxNegatives,
    double emaDecay,
    GateSettings gate) {

  public static final AdapterSettings DEFAULTS =
      new AdapterSettings(
          LossConfig.DEFAULT,
          LoraConfig.DEFAULT,
          1.0,
          1e-3,
          LearningRateSchedule.warmupThenConstant(10),
          0.01,
          16,
          1,
          256,
          MixedPrecision.AUTO,
          AdaptationMode.QUERY,
          42,
          0.5,
          4096,
          4,
          0.9,
          GateSettings.DEFAULTS);

  public AdapterSettings {
    Objects.requireNonNull(loss, "loss");
    Objects.requireNonNull(lora, "lora");
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(mixedPrecision, "mixed-precision");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(gate, "gate");
    if (!(loraPlusRatio >= 1) || Double.isInfinite(loraPlusRatio)) {
      throw new IllegalArgumentException(
          "lora-plus-ratio must be a finite number >= 1 (1 = plain LoRA), got " + loraPlusRatio);
    }
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("lr must be a finite number > 0, got " + learningRate);
    }
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw new IllegalArgumentException(
          "weight-decay must be a finite number >= 0, got " + weightDecay);
    }
    if (batchSize < 1 || batchSize > 4096) {
      throw new IllegalArgumentException("batch-size must be in 1..4096, got " + batchSize);
    }
    if (gradientAccumulation < 1 || gradientAccumulation > 1024) {
      throw new IllegalArgumentException(
          "gradient-accumulation must be in 1..1024, got " + gradientAccumulation);
    }
    if (maxSeqLength < 8 || maxSeqLength > 8192) {
      throw new IllegalArgumentException(
          "max-seq-length must be in 8..8192 tokens, got " + maxSeqLength);
    }
    if (!(replayFraction >= 0 && replayFraction < 1)) {
      throw new IllegalArgumentException(
          "replay-fraction must be in [0, 1), got " + replayFraction);
    }
    if (replayBufferSize < 0) {
      throw new IllegalArgumentException("replay-buffer must be >= 0, got " + replayBufferSize);
    }
    if (replayFraction > 0 && replayBufferSize == 0) {
      throw new IllegalArgumentException(
          "replay-fraction is "
              + replayFraction
              + " but replay-buffer is 0: give the buffer room or set replay-fraction 0");
    }
    if (!(emaDecay >= 0 && emaDecay < 1)) {
      throw new IllegalArgumentException(
          "ema-decay must be in [0, 1) (0 = no averaging), got " + emaDecay);
    }
    if (maxNegatives < 0) {
      throw new IllegalArgumentException("max-negatives must be >= 0, got " + maxNegatives);
    }
    if (newPairsPerStep(batchSize * gradientAccumulation, replayFraction) < 1) {
      throw new IllegalArgumentException(
          "replay-fraction "
              + replayFraction
              + " leaves no room for new pairs in a step of batch-size x gradient-accumulation = "
              + batchSize * gradientAccumulation
              + " pairs");
    }
  }

  /** These settings with another adaptation mode. */
  public AdapterSettings withMode(AdaptationMode newMode) {
    return new AdapterSettings(
        loss,
        lora,
        loraPlusRatio,
        learningRate,
        schedule,
        weightDecay,
        batchSize,
        gradientAccumulation,
        maxSeqLength,
        mixedPrecision,
        newMode,
        seed,
        replayFraction,
        replayBufferSize,
        maxNegatives,
        emaDecay,
        gate);
  }

  /** Pairs in a full optimizer step: batch-size x gradient-accumulation. */
  public int stepCapacity() {
    return batchSize * gradientAccumulation;
  }

  /** New pairs that fill a step; the rest of a full step is replay. */
  public int newPairsPerStep() {
    return newPairsPerStep(stepCapacity(), replayFraction);
  }

  /**
   * Replayed pairs to add to {@code newPairs} new ones: a full step is {@code replayFraction}
   * replay; a partial step (the stream is slower than the batch wait) is filled up to the step
   * capacity with replay, so that it still has a full batch of in-batch negatives. Steps of 2 new
   * and 2 replayed pairs at the full learning rate made candidates steadily worse on a slow stream,
   * and the gate then rejected every one.
   */
  public int replayPairsFor(int newPairs) {
    if (replayFraction == 0) {
      return 0;
    }
    return Math.max(0, stepCapacity() - newPairs);
  }

  private static int newPairsPerStep(int capacity, double replayFraction) {
    return capacity - (int) Math.round(capacity * replayFraction);
  }

  /** True when this adapter trains with FP16 compute against a base loaded in {@code fp16Base}. */
  public boolean usesMixedPrecision(boolean fp16Base) {
    return switch (mixedPrecision) {
      case AUTO -> fp16Base;
      case FP16 -> true;
      case NONE -> false;
    };
  }

  /** The training-step settings for a base in FP16 ({@code fp16Base}) or FP32. */
  public TrainingSettings trainingSettings(boolean fp16Base) {
    boolean mixed = usesMixedPrecision(fp16Base);
    if (mixed != fp16Base) {
      throw new IllegalArgumentException(
          mixed
              ? "mixed-precision fp16 needs the base in FP16: set precision fp16 (or auto on a GPU), or mixed-precision none"
              : "the base runs in FP16 (precision setting) but mixed-precision is none: an FP16 base trains only with"
                  + " mixed precision; set mixed-precision auto/fp16 or precision fp32");
    }
    return new TrainingSettings(
        loss,
        new AdamWConfig(learningRate, 0.9, 0.999, 1e-8, weightDecay),
        loraPlusRatio,
        schedule,
        batchSize,
        mode,
        mixed,
        seed);
  }
}
