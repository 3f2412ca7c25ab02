package io.lorastream.trainer;

import io.lorastream.model.lora.AdapterWeights;
import io.lorastream.schemas.TrainingPair;
import io.lorastream.trainer.gate.HeldOutSlice;
import io.lorastream.trainer.pairs.BufferedPair;
import io.lorastream.trainer.step.AdapterTrainer;
import io.lorastream.trainer.step.TrainerModel;
import java.util.List;

/**
 * Trains one adapter on a list of pairs exactly as the trainer would on a stream (held-out slice,
 * replay, steps of {@code newPairsPerStep} new pairs, no waiting), without Kafka: for comparing
 * settings and modes on the same feedback with the same budget.
 */
public final class OfflineRun {

  /**
   * @param weights the trained adapter
   * @param steps optimizer steps taken
   * @param pairsTrained new pairs trained
   * @param heldOut pairs held out
   * @param trainSeconds time spent in training steps
   */
  public record Result(
      AdapterWeights weights, long steps, long pairsTrained, long heldOut, double trainSeconds) {
    public double secondsPerStep() {
      return steps == 0 ? 0 : trainSeconds / steps;
    }
  }

  private OfflineRun() {}

  /**
   * Feeds {@code pairs} in order, {@code epochs} times, then trains what is left in a last partial
   * step.
   */
  public static Result train(
      TrainerModel model,
      String adapter,
      AdapterSettings settings,
      List<TrainingPair> pairs,
      double holdoutFraction,
      int epochs) {
    try (AdapterTrainer t =
        AdapterTrainer.start(adapter, settings, "offline", 0, model, 1000, 5000)) {
      long heldOut = 0;
      double seconds = 0;
      for (int epoch = 0; epoch < epochs; epoch++) {
        for (TrainingPair p : pairs) {
          BufferedPair b = BufferedPair.of(p, settings.maxNegatives());
          if (holdoutFraction > 0
              && HeldOutSlice.isHeldOut(p.tenant(), p.anchor(), holdoutFraction)) {
            heldOut += epoch == 0 ? 1 : 0;
            continue;
          }
          t.offer(b, p.shownDocIds(), p.tenant(), 0, 0);
          if (t.stepReady(0, 0)) {
            long t0 = System.nanoTime();
            t.step(0);
            seconds += (System.nanoTime() - t0) / 1e9;
          }
        }
      }
      if (t.pendingCount() > 0) {
        long t0 = System.nanoTime();
        t.step(0);
        seconds += (System.nanoTime() - t0) / 1e9;
      }
      return new Result(t.weights(), t.steps(), t.ledger().pairs(), heldOut, seconds);
    }
  }
}
