package io.lorastream.server.adapters;

import java.time.Instant;
import java.util.Locale;

/**
 * What the adapter watcher is doing, for {@code /health/ready} and the {@code
 * adapters.kafka.reachable} gauge.
 *
 * @param state what it does now
 * @param since when it entered that state
 * @param lastContact when the broker last answered, or null before it ever did
 * @param detail why it is in that state (the last error while unreachable), or null
 */
public record WatcherStatus(State state, Instant since, Instant lastContact, String detail) {

  public enum State {
    /** Not connected yet. */
    STARTING,
    /** Reading the pins and adapters topics to the end offsets they had at start. */
    CATCHING_UP,
    /** Caught up, and following new records as they come. */
    FOLLOWING,
    /**
     * The last attempt to reach Kafka failed; retrying with backoff. Loaded versions keep being
     * served.
     */
    UNREACHABLE,
    /** Stopped (the server is closing, or the watcher hit an error it cannot retry). */
    STOPPED;

    /** Lowercase, for JSON. */
    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static WatcherStatus starting() {
    return new WatcherStatus(State.STARTING, Instant.now(), null, null);
  }

  /** The same state with a fresh contact time, or a new state when it changes. */
  WatcherStatus reached(State next, String why) {
    Instant now = Instant.now();
    return new WatcherStatus(next, next == state ? since : now, now, why);
  }

  /** Unreachable since the first failure of a run of failures. */
  WatcherStatus failed(String why) {
    return new WatcherStatus(
        State.UNREACHABLE, state == State.UNREACHABLE ? since : Instant.now(), lastContact, why);
  }

  WatcherStatus stopped(String why) {
    return new WatcherStatus(State.STOPPED, Instant.now(), lastContact, why);
  }

  /** Whether the broker answered the last attempt. */
  public boolean reachable() {
    return state == State.CATCHING_UP || state == State.FOLLOWING;
  }
}
