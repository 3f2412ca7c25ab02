package io.lorastream.streams.config;

import java.time.Duration;
import java.util.Objects;

/**
 * When an impression's feedback is complete. An impression at event time {@code s} collects
 * interactions with event times in {@code [s, s + size)}; it closes once stream time (the largest
 * event time seen by its task) passes {@code s + size + grace}, checked every {@code
 * closeCheckInterval} of stream time.
 *
 * @param size window length; default 30 min (the demo uses seconds)
 * @param grace how late (in event time) an event may arrive and still count; default 1 min
 * @param closeCheckInterval how often closes are checked, in stream time and in wall-clock time;
 *     default 1 s
 * @param idleCloseAfter when a task has seen no record for this long (wall clock), its stream time
 *     is advanced by the wall-clock time that passes, so windows still close when traffic stops; 0
 *     = never (windows then wait for new traffic). Default 60 s
 * @param maxClockSkew an event whose time is further than this ahead of the wall clock is
 *     dead-lettered ({@code event_time_in_future}) and never moves stream time (one such record
 *     would otherwise close every window). Default 1 h
 */
public record ImpressionWindow(
    Duration size,
    Duration grace,
    Duration closeCheckInterval,
    Duration idleCloseAfter,
    Duration maxClockSkew) {

  public static final ImpressionWindow DEFAULTS =
      new ImpressionWindow(
          Duration.ofMinutes(30),
          Duration.ofMinutes(1),
          Duration.ofSeconds(1),
          Duration.ofSeconds(60),
          Duration.ofHours(1));

  public ImpressionWindow {
    Objects.requireNonNull(size, "window");
    Objects.requireNonNull(grace, "grace");
    Objects.requireNonNull(closeCheckInterval, "close-check-interval");
    Objects.requireNonNull(idleCloseAfter, "idle-close-after");
    if (size.toMillis() < 1) {
      throw new IllegalArgumentException("window must be at least 1 ms, got " + size);
    }
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must be >= 0, got " + grace);
    }
    if (closeCheckInterval.toMillis() < 1) {
      throw new IllegalArgumentException(
          "close-check-interval must be at least 1 ms, got " + closeCheckInterval);
    }
    Objects.requireNonNull(maxClockSkew, "max-clock-skew");
    if (maxClockSkew.isNegative()) {
      throw new IllegalArgumentException("max-clock-skew must be >= 0, got " + maxClockSkew);
    }
    if (idleCloseAfter.isNegative()) {
      throw new IllegalArgumentException(
          "idle-close-after must be >= 0 (0 = never), got " + idleCloseAfter);
    }
  }

  /** The event time after which an impression starting at {@code startMs} is closed. */
  public long closeAtMs(long startMs) {
    return startMs + size.toMillis() + grace.toMillis();
  }
}
