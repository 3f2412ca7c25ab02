package io.lorastream.bench.streams;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Where the stream threads' wall time went during the timed phase: CPU of the stream threads
 * themselves, time blocked on Kafka (poll, flush, transactions) and the thread's own phase totals.
 * Read from Kafka Streams' and the clients' metrics and from the JVM's per-thread CPU clock, before
 * and after; printed by the benchmark so a slow run says why.
 */
final class TimeBreakdown {
  /** Cumulative totals (nanoseconds or counts) to difference between two snapshots. */
  private static final Set<String> TOTALS =
      Set.of(
          "blocked-time-ns-total",
          "flush-time-ns-total",
          "txn-begin-time-ns-total",
          "txn-send-offsets-time-ns-total",
          "txn-commit-time-ns-total",
          "bufferpool-wait-time-ns-total",
          "commit-total",
          "poll-total",
          "process-total",
          "punctuate-total");

  private final Map<String, Double> totals;
  private final long streamThreadCpuNanos;

  private TimeBreakdown(Map<String, Double> totals, long streamThreadCpuNanos) {
    this.totals = totals;
    this.streamThreadCpuNanos = streamThreadCpuNanos;
  }

  static TimeBreakdown snapshot(KafkaStreams streams) {
    Map<String, Double> totals = new LinkedHashMap<>();
    for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
      MetricName name = e.getKey();
      boolean threadLevel = name.group().equals("stream-thread-metrics");
      boolean producer =
          name.group().equals("producer-metrics")
              && name.tags().getOrDefault("client-id", "").contains("StreamThread");
      if ((threadLevel || producer)
          && TOTALS.contains(name.name())
          && e.getValue().metricValue() instanceof Number n) {
        totals.merge(name.name(), n.doubleValue(), Double::sum);
      }
    }
    return new TimeBreakdown(totals, streamThreadCpu());
  }

  /** Records the stream threads have processed so far. */
  long processed() {
    return totals.getOrDefault("process-total", 0.0).longValue();
  }

  /**
   * A one-line summary of what happened between {@code before} and this snapshot over {@code
   * wallSeconds}.
   */
  String since(TimeBreakdown before, double wallSeconds, long events) {
    double cpu = (streamThreadCpuNanos - before.streamThreadCpuNanos) / 1e9;
    return String.format(
        "stream threads: %.1f CPU-s (%.0f us per event, %.0f%% of wall); blocked on Kafka %.1f s (flush %.1f s,"
            + " waiting for producer buffer %.1f s, txn begin/offsets/commit %.1f/%.1f/%.1f s, the rest polling);"
            + " %d commits, %d polls, %d punctuations",
        cpu,
        cpu * 1e6 / events,
        100 * cpu / wallSeconds,
        delta(before, "blocked-time-ns-total") / 1e9,
        delta(before, "flush-time-ns-total") / 1e9,
        delta(before, "bufferpool-wait-time-ns-total") / 1e9,
        delta(before, "txn-begin-time-ns-total") / 1e9,
        delta(before, "txn-send-offsets-time-ns-total") / 1e9,
        delta(before, "txn-commit-time-ns-total") / 1e9,
        (long) delta(before, "commit-total"),
        (long) delta(before, "poll-total"),
        (long) delta(before, "punctuate-total"));
  }

  private double delta(TimeBreakdown before, String key) {
    return totals.getOrDefault(key, 0.0) - before.totals.getOrDefault(key, 0.0);
  }

  private static long streamThreadCpu() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null
          && info.getThreadName().contains("-StreamThread-")
          && !info.getThreadName().startsWith("kafka-")) {
        long t = threads.getThreadCpuTime(info.getThreadId());
        sum += Math.max(0, t);
      }
    }
    return sum;
  }
}
