package io.lorastream.trainer;

import io.lorastream.trainer.checkpoint.CheckpointRefused;
import io.lorastream.trainer.gate.GateDecision;
import io.lorastream.trainer.gate.PairedBootstrap;
import io.lorastream.trainer.step.AdapterTrainer;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The trainer's meters, {@code lorastream.trainer.*}. The {@code adapter} tag takes only adapter
 * names the trainer trains, which {@code max-adapters} bounds; {@code reason} and {@code outcome}
 * are fixed sets.
 */
public final class TrainerMetrics {

  private final MeterRegistry registry;
  private final Map<String, AtomicReference<Double>> gauges = new ConcurrentHashMap<>();
  private final Map<String, PairRate> rates = new ConcurrentHashMap<>();

  private final java.util.concurrent.atomic.AtomicInteger pausedPartitions;

  public TrainerMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.pausedPartitions =
        registry.gauge(
            "lorastream.trainer.partitions.paused",
            new java.util.concurrent.atomic.AtomicInteger());
  }

  public MeterRegistry registry() {
    return registry;
  }

  void step(String adapter, AdapterTrainer.Step step, double fill, Duration took) {
    registry.counter("lorastream.trainer.steps", "adapter", adapter).increment();
    registry
        .counter("lorastream.trainer.pairs", "adapter", adapter, "kind", "new")
        .increment(step.newPairs());
    registry
        .counter("lorastream.trainer.pairs", "adapter", adapter, "kind", "replay")
        .increment(step.replayed());
    gauge("lorastream.trainer.loss", adapter, "last training step's loss")
        .set(step.result().loss());
    gauge("lorastream.trainer.step", adapter, "optimizer steps taken")
        .set((double) step.result().step());
    DistributionSummary.builder("lorastream.trainer.batch.fill")
        .description("new pairs in a step over the pairs that fill it")
        .tag("adapter", adapter)
        .register(registry)
        .record(fill);
    Timer.builder("lorastream.trainer.step.duration")
        .tag("adapter", adapter)
        .register(registry)
        .record(took);
    double perSecond =
        rates
            .computeIfAbsent(adapter, a -> new PairRate())
            .add(step.newPairs() + step.replayed(), took);
    gauge(
            "lorastream.trainer.pairs.per.second",
            adapter,
            "training throughput (new and replayed pairs), last minute")
        .set(perSecond);
  }

  /**
   * A gate decision: counted by outcome; its figures as gauges (the last decision's) for accepted
   * and rejected.
   */
  public void gate(String adapter, GateDecision d) {
    registry
        .counter("lorastream.trainer.gate", "adapter", adapter, "outcome", d.outcome().metricName())
        .increment();
    gauge(
            "lorastream.trainer.gate.queries",
            adapter,
            "evaluation queries of the last gate decision")
        .set((double) d.queries());
    if (d.outcome() == GateDecision.Outcome.WAITING) {
      return;
    }
    gauge(
            "lorastream.trainer.gate.documents",
            adapter,
            "documents each evaluation query was ranked against")
        .set((double) d.documents());
    gauge("lorastream.trainer.eval.ndcg10", adapter, "candidate", "nDCG@10 on the evaluation set")
        .set(d.candidate());
    gauge("lorastream.trainer.eval.ndcg10", adapter, "published", "nDCG@10 on the evaluation set")
        .set(d.published());
    gauge("lorastream.trainer.eval.ndcg10", adapter, "base", "nDCG@10 on the evaluation set")
        .set(d.base());
    if (d.vsBase() != null) {
      gain(adapter, "base", d.vsBase());
      // before the first version the published model is the base
      gain(adapter, "published", d.vsPublished() != null ? d.vsPublished() : d.vsBase());
    }
  }

  private void gain(String adapter, String against, PairedBootstrap.Gain g) {
    gauge(
            "lorastream.trainer.gate.gain",
            adapter,
            against,
            "against",
            "last candidate's mean nDCG@10 gain over the base or the published version")
        .set(g.gain());
    gauge(
            "lorastream.trainer.gate.gain.lower.bound",
            adapter,
            against,
            "against",
            "lower confidence bound (gate-confidence) of that gain, from a paired bootstrap over queries")
        .set(g.lowerBound());
    gauge(
            "lorastream.trainer.gate.gain.upper.bound",
            adapter,
            against,
            "against",
            "upper confidence bound (gate-confidence) of that gain")
        .set(g.upperBound());
  }

  void published(String adapter, int version, long bytes, Duration freshness) {
    registry.counter("lorastream.trainer.published.versions", "adapter", adapter).increment();
    gauge("lorastream.trainer.published.version", adapter, "latest published version")
        .set((double) version);
    DistributionSummary.builder("lorastream.trainer.adapter.bytes")
        .baseUnit("bytes")
        .tag("adapter", adapter)
        .register(registry)
        .record(bytes);
    if (freshness != null) {
      Timer.builder("lorastream.trainer.freshness")
          .description("event time of the newest pair in a version to its publication")
          .tag("adapter", adapter)
          .publishPercentiles(0.5, 0.99)
          .register(registry)
          .record(freshness.isNegative() ? Duration.ZERO : freshness);
    }
  }

  void checkpoint(String adapter, long bytes) {
    DistributionSummary.builder("lorastream.trainer.checkpoint.bytes")
        .baseUnit("bytes")
        .tag("adapter", adapter)
        .register(registry)
        .record(bytes);
  }

  void commit(Duration took, boolean committed) {
    Timer.builder("lorastream.trainer.commit.duration")
        .tag("outcome", committed ? "committed" : "aborted")
        .register(registry)
        .record(took);
  }

  void skipped(String reason, long n) {
    registry.counter("lorastream.trainer.pairs.skipped", "reason", reason).increment(n);
  }

  /**
   * A consumed record refused to the dead-letter topic, by its dead-letter reason (a fixed set).
   */
  public void deadLetter(String reason) {
    registry.counter("lorastream.trainer.dead.letters", "reason", reason).increment();
  }

  /** A step skipped because its loss or a gradient was not finite. */
  void stepSkipped(String adapter, int newPairs) {
    registry.counter("lorastream.trainer.steps.skipped", "adapter", adapter).increment();
    skipped("non_finite_step", newPairs);
  }

  /**
   * An adapter's newest checkpoint record was refused, by reason ({@link
   * CheckpointRefused.Reason}).
   */
  public void checkpointRefused(String reason) {
    registry.counter("lorastream.trainer.checkpoints.refused", "reason", reason).increment();
  }

  /**
   * What an adapter whose newest checkpoint was refused continued from: older_checkpoint,
   * published_version or none.
   */
  public void checkpointFallback(String to) {
    registry.counter("lorastream.trainer.checkpoint.fallbacks", "to", to).increment();
  }

  /** Pairs of {@code adapter} waiting for a step. */
  void pending(String adapter, int pairs) {
    gauge(
            "lorastream.trainer.pending.pairs",
            adapter,
            "pairs waiting for a step (max-pending-pairs bounds them)")
        .set((double) pairs);
  }

  /**
   * The consumer paused (back-pressure) or resumed a partition; {@code pausedNow} partitions are
   * paused.
   */
  public void backPressure(boolean paused, int pausedNow) {
    registry
        .counter(
            paused ? "lorastream.trainer.consumer.pauses" : "lorastream.trainer.consumer.resumes")
        .increment();
    pausedPartitions.set(pausedNow);
  }

  void heldOut(String adapter) {
    registry.counter("lorastream.trainer.pairs.held.out", "adapter", adapter).increment();
  }

  public void refused(String adapter, String what) {
    registry
        .counter("lorastream.trainer.records.refused", "adapter", adapter, "record", what)
        .increment();
  }

  private AtomicReference<Double> gauge(String name, String adapter, String description) {
    return gauge(name, adapter, null, description);
  }

  private AtomicReference<Double> gauge(
      String name, String adapter, String model, String description) {
    return gauge(name, adapter, model, "model", description);
  }

  private AtomicReference<Double> gauge(
      String name, String adapter, String value, String tag, String description) {
    String key = name + "|" + adapter + "|" + tag + "=" + value;
    return gauges.computeIfAbsent(
        key,
        k -> {
          AtomicReference<Double> ref = new AtomicReference<>(Double.NaN);
          Gauge.Builder<AtomicReference<Double>> b =
              Gauge.builder(name, ref, r -> r.get())
                  .description(description)
                  .tag("adapter", adapter);
          if (value != null) {
            b = b.tag(tag, value);
          }
          b.register(registry);
          return ref;
        });
  }

  /** Pairs per second of training time over about the last minute. */
  private static final class PairRate {
    private double pairs;
    private double seconds;

    synchronized double add(int n, Duration took) {
      double s = took.toNanos() / 1e9;
      double keep = Math.max(0, 1 - s / 60); // exponential forgetting over ~60 s of training
      pairs = pairs * keep + n;
      seconds = seconds * keep + s;
      return seconds > 0 ? pairs / seconds : 0;
    }
  }
}
