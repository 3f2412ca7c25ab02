package io.lorastream.trainer;

import io.lorastream.model.adapter.AdapterManifest;
import io.lorastream.trainer.gate.GateDecision;

/**
 * Observes a running trainer: for logs, benchmarks and tests. Called on the trainer's thread; keep
 * it quick. Every method does nothing by default.
 */
public interface TrainerListener {

  /** An optimizer step of {@code adapter} was taken. */
  default void stepTaken(String adapter, long step, double loss, int newPairs, int replayed) {}

  /**
   * The gate accepted or rejected a candidate of {@code adapter} (not called while it waits for
   * queries).
   */
  default void gateDecided(String adapter, long step, GateDecision decision) {}

  /**
   * A version the gate accepted could not be published (it does not fit in a record); the message
   * says why.
   */
  default void refused(String adapter, String message) {}

  /**
   * Back-pressure: the consumer paused {@code partition} of training-pairs because an adapter's
   * pending pairs reached max-pending-pairs ({@code paused}), or resumed it once they drained;
   * {@code pending} is the largest adapter backlog on the partition at that moment.
   */
  default void backPressure(int partition, boolean paused, int pending) {}

  /**
   * A transaction was begun and is about to receive records; a crash from here until committed()
   * loses it.
   */
  default void transactionBegun() {}

  /**
   * Every record and the offsets are in the open transaction, which is about to be committed: a
   * crash here leaves an open transaction on the broker, which the next incarnation (same instance
   * id) aborts.
   */
  default void aboutToCommit() {}

  /**
   * A transaction committed: the versions it published (possibly none) and the checkpoints it
   * wrote.
   */
  default void committed(java.util.List<AdapterManifest> published, int checkpoints) {}

  /** A transaction was aborted and the state reset to the last commit. */
  default void aborted(Exception cause) {}
}
