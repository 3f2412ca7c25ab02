package io.lorastream.trainer;

import io.lorastream.trainer.step.AdapterTrainer;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * When the loop trains and when it commits: takes the steps that are due (a full batch, or a
 * partial one that waited {@code batch-max-wait}), says how long a poll may wait for the next one,
 * and when a commit point is due ({@code commit-every-steps} steps, or {@code commit-interval}
 * after uncommitted work). Not thread-safe: the trainer's poll thread drives it.
 */
final class StepScheduler {

  private static final Duration MAX_POLL_WAIT = Duration.ofMillis(200);

  private final TrainerSettings settings;
  private final TrainedAdapters adapters;
  private final TrainerMetrics metrics;
  private final TrainerListener listener;
  private long lastCommitNanos = System.nanoTime();
  private int stepsSinceCommit;
  private boolean uncommitted;

  StepScheduler(
      TrainerSettings settings,
      TrainedAdapters adapters,
      TrainerMetrics metrics,
      TrainerListener listener) {
    this.settings = settings;
    this.adapters = adapters;
    this.metrics = metrics;
    this.listener = listener;
  }

  /**
   * Something changed that the next commit must write (a consumed record, an adapter that fell
   * back).
   */
  void changed() {
    uncommitted = true;
  }

  /** True when there is work the last commit did not write. */
  boolean uncommitted() {
    return uncommitted;
  }

  /** Takes one step of every adapter whose batch is due, until {@code stop} says to stop. */
  void trainReady(BooleanSupplier stop) {
    long maxWait = settings.batchMaxWait().toMillis();
    for (AdapterTrainer t : adapters.all()) {
      if (stop.getAsBoolean()) {
        return;
      }
      long now = System.currentTimeMillis();
      if (t.stepReady(now, maxWait)) {
        long t0 = System.nanoTime();
        AdapterTrainer.Step s = t.step(now);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        stepsSinceCommit++;
        uncommitted = true;
        if (s.result().skipped()) {
          metrics.stepSkipped(t.name(), s.newPairs());
        } else {
          metrics.step(t.name(), s, (double) s.newPairs() / t.settings().newPairsPerStep(), took);
        }
        listener.stepTaken(
            t.name(), s.result().step(), s.result().loss(), s.newPairs(), s.replayed());
      }
      metrics.pending(t.name(), t.pendingCount());
    }
  }

  /**
   * How long the next poll may wait: zero when a step is due, at most until the next batch or
   * commit is.
   */
  Duration pollTimeout() {
    long now = System.currentTimeMillis();
    long maxWait = settings.batchMaxWait().toMillis();
    long wait = MAX_POLL_WAIT.toMillis();
    for (AdapterTrainer t : adapters.all()) {
      if (t.stepReady(now, maxWait)) {
        return Duration.ZERO;
      }
      wait = Math.min(wait, Math.max(0, t.dueAtMs(maxWait) - now));
    }
    if (uncommitted) {
      long sinceCommit = (System.nanoTime() - lastCommitNanos) / 1_000_000;
      wait = Math.min(wait, Math.max(0, settings.commitInterval().toMillis() - sinceCommit));
    }
    return Duration.ofMillis(wait);
  }

  /**
   * A commit point is due: enough steps, dead letters to flush, or uncommitted work older than
   * commit-interval.
   */
  boolean commitDue(boolean deadLettersDue) {
    return stepsSinceCommit >= settings.commitEverySteps()
        || deadLettersDue
        || (uncommitted
            && System.nanoTime() - lastCommitNanos >= settings.commitInterval().toNanos());
  }

  /** A transaction committed everything so far. */
  void committed() {
    lastCommitNanos = System.nanoTime();
    stepsSinceCommit = 0;
    uncommitted = false;
  }

  /**
   * The state went back to the last commit: nothing is uncommitted, the commit interval runs on.
   */
  void reset() {
    uncommitted = false;
    stepsSinceCommit = 0;
  }
}
