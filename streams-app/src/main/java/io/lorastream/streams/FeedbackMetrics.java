package io.lorastream.streams;

import io.lorastream.schemas.DeadLetterReason;
import io.lorastream.schemas.PairKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The app's own meters ({@code lorastream.streams.*}); every tag value comes from a bounded set:
 * event types, dead-letter reasons, pair kinds, and at most {@code maxAdapterTags} adapter names
 * (later ones are tagged {@code other}).
 *
 * <p>Counters move when a record is processed; a transaction aborted by a crash makes its records
 * count twice. They are operational signals; the topics are the exact record.
 */
public final class FeedbackMetrics {
  static final String OTHER = "other";

  private final MeterRegistry registry;
  private final int maxAdapterTags;
  private final Set<String> taggedAdapters = ConcurrentHashMap.newKeySet();
  private final Map<String, Counter> eventsIn = new ConcurrentHashMap<>();
  private final Map<String, Counter> duplicates = new ConcurrentHashMap<>();
  private final Map<DeadLetterReason, Counter> deadLetters = new ConcurrentHashMap<>();
  private final Map<String, Counter> pairsOut = new ConcurrentHashMap<>();
  private final Timer latency;
  private final Counter threadsReplaced;
  private final Counter threadsStopped;

  public FeedbackMetrics(MeterRegistry registry, int maxAdapterTags) {
    this.registry = registry;
    this.maxAdapterTags = maxAdapterTags;
    this.latency =
        Timer.builder("lorastream.streams.event.to.pair.latency")
            .description(
                "From the newest source event's time to the pair's emission (includes the window wait)")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(10))
            .maximumExpectedValue(Duration.ofHours(4))
            .register(registry);
    for (DeadLetterReason r : DeadLetterReason.values()) {
      deadLetter(
          r, 0); // every reason exported from the start, so rate() and alerts see zeros, not gaps
    }
    this.threadsReplaced = threadFailures("replaced");
    this.threadsStopped = threadFailures("stopped");
  }

  private Counter threadFailures(String outcome) {
    return Counter.builder("lorastream.streams.stream.thread.failures")
        .description(
            "Stream threads that died, by what followed: replaced, or stopped (the app gives up and exits)")
        .tag("outcome", outcome)
        .register(registry);
  }

  /** A stream thread died and was replaced ({@code true}) or the app stopped instead. */
  public void threadFailure(boolean replaced) {
    (replaced ? threadsReplaced : threadsStopped).increment();
  }

  public void eventIn(String type) {
    eventsIn
        .computeIfAbsent(
            type,
            t ->
                Counter.builder("lorastream.streams.events.in")
                    .description("Input records read, by event type")
                    .tag("type", t)
                    .register(registry))
        .increment();
  }

  public void duplicate(String type) {
    duplicates
        .computeIfAbsent(
            type,
            t ->
                Counter.builder("lorastream.streams.duplicates")
                    .description("Replayed events recognised by event id and ignored")
                    .tag("type", t)
                    .register(registry))
        .increment();
  }

  public void deadLetter(DeadLetterReason reason) {
    deadLetter(reason, 1);
  }

  private void deadLetter(DeadLetterReason reason, double amount) {
    deadLetters
        .computeIfAbsent(
            reason,
            r ->
                Counter.builder("lorastream.streams.dead.letters")
                    .description("Records sent to the dead-letter topic")
                    .tag("reason", r.wireName())
                    .register(registry))
        .increment(amount);
  }

  public void pairOut(String adapter, PairKind kind, long eventTimeMs, long nowMs) {
    String tag = adapterTag(adapter);
    pairsOut
        .computeIfAbsent(
            tag + "\n" + kind,
            k ->
                Counter.builder("lorastream.streams.pairs.out")
                    .description("Training pairs emitted")
                    .tag("adapter", tag)
                    .tag("kind", kind.name().toLowerCase(java.util.Locale.ROOT))
                    .register(registry))
        .increment();
    latency.record(Math.max(0, nowMs - eventTimeMs), TimeUnit.MILLISECONDS);
  }

  private String adapterTag(String adapter) {
    if (taggedAdapters.contains(adapter)) {
      return adapter;
    }
    synchronized (taggedAdapters) {
      if (taggedAdapters.size() < maxAdapterTags) {
        taggedAdapters.add(adapter);
        return adapter;
      }
    }
    return taggedAdapters.contains(adapter) ? adapter : OTHER;
  }
}
