package io.lorastream.server.config;

import java.time.Duration;

/**
 * How the adapter watcher copes with a Kafka it cannot reach: it keeps serving what it has, retries
 * with exponential backoff (1 s, doubling, up to {@code maxBackoff}) and reports its state on
 * {@code /health/ready}.
 *
 * @param checkInterval while following the topics, how often the watcher asks the broker for the
 *     end offsets (one request; also its timeout): Kafka's consumer reconnects silently, so this is
 *     how an outage is noticed
 * @param maxBackoff the longest wait between two attempts while Kafka is unreachable
 */
public record WatcherSettings(Duration checkInterval, Duration maxBackoff) {

  public static final WatcherSettings DEFAULTS =
      new WatcherSettings(Duration.ofSeconds(5), Duration.ofSeconds(30));

  public WatcherSettings {
    if (checkInterval == null
        || checkInterval.compareTo(Duration.ofMillis(100)) < 0
        || checkInterval.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException(
          "watcher.check-interval must be between 100ms and 10m, got " + checkInterval);
    }
    if (maxBackoff == null
        || maxBackoff.compareTo(Duration.ofMillis(100)) < 0
        || maxBackoff.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException(
          "watcher.max-backoff must be between 100ms and 10m, got " + maxBackoff);
    }
  }

  /** The first wait after a failure: 1 s, or max-backoff when that is shorter. */
  public Duration initialBackoff() {
    return maxBackoff.compareTo(Duration.ofSeconds(1)) < 0 ? maxBackoff : Duration.ofSeconds(1);
  }
}
