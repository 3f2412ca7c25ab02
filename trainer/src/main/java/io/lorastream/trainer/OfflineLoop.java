package io.lorastream.trainer;

import io.lorastream.model.lora.AdapterWeights;
import io.lorastream.schemas.TrainingPair;
import io.lorastream.trainer.gate.GateDecision;
import io.lorastream.trainer.gate.QualityGate;
import io.lorastream.trainer.pairs.BufferedPair;
import io.lorastream.trainer.step.AdapterTrainer;
import io.lorastream.trainer.step.TrainerModel;

/**
 * One adapter trained and gated as the continual trainer does it (routing, held-out slice, batches,
 * replay, the quality gate), driven step by step without Kafka: for benchmarks that simulate users
 * and judge what the loop would serve. Not thread-safe.
 */
public final class OfflineLoop implements AutoCloseable {

  private final AdapterTrainer trainer;
  private final QualityGate gate;
  private final double holdoutFraction;

  public OfflineLoop(
      TrainerModel model,
      String adapter,
      AdapterSettings settings,
      double holdoutFraction,
      int maxHeldOutQueries,
      int maxPoolDocs,
      TrainerMetrics metrics) {
    this.trainer =
        AdapterTrainer.start(
            adapter, settings, "offline", 0, model, maxHeldOutQueries, maxPoolDocs);
    this.gate = new QualityGate(model, null, metrics, new TrainerListener() {});
    this.holdoutFraction = holdoutFraction;
  }

  /** Takes a pair as the trainer would; returns where it went. */
  public String offer(TrainingPair pair) {
    return trainer
        .offer(
            BufferedPair.of(pair, trainer.settings().maxNegatives()),
            pair.shownDocIds(),
            pair.tenant(),
            holdoutFraction,
            0)
        .name();
  }

  /**
   * Takes one optimizer step when a full one is waiting; returns its loss, or NaN when none was
   * taken.
   */
  public double stepIfReady() {
    if (!trainer.stepReady(0, 0)) {
      return Double.NaN;
    }
    return trainer.step(0).result().loss();
  }

  /**
   * Runs the gate on the current candidate; an accepted one becomes the published version. Null
   * when nothing to judge.
   */
  public GateDecision gate() {
    GateDecision d = gate.decide(trainer);
    if (d != null && d.accepted()) {
      trainer.published(trainer.publishedVersion() + 1, trainer.candidateWeights());
    }
    return d;
  }

  /** The weights the gate judges (the moving average when ema-decay > 0). */
  public AdapterWeights candidate() {
    return trainer.candidateWeights();
  }

  /** The last published weights, or null (the base). */
  public AdapterWeights published() {
    return trainer.publishedWeights();
  }

  public int publishedVersion() {
    return trainer.publishedVersion();
  }

  public long steps() {
    return trainer.steps();
  }

  public int heldOutQueries() {
    return trainer.heldOut().scorableQueries();
  }

  public int pending() {
    return trainer.pendingCount();
  }

  @Override
  public void close() {
    trainer.close();
  }
}
