package io.lorastream.streams;

import io.lorastream.streams.config.ThreadReplacement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What to do when a stream thread dies: replace it (its tasks resume from the last commit), unless
 * threads have died the same way more than {@link ThreadReplacement#maxReplacements()} times within
 * {@link ThreadReplacement#window()}. Then replacing is a loop that will not end (a bug, state this
 * version cannot read, a broker refusing the same write): the client shuts down instead, and the
 * app reports why ({@link #gaveUp()}), turns unready and exits non-zero. So does a replacement that
 * does not bring the app back to RUNNING within {@link ThreadReplacement#recoveryTimeout()} ({@link
 * #checkRecovery()}).
 *
 * <p>"The same way" is the chain of exception types, outermost first, and the place the innermost
 * was thrown: the messages are left out, since Kafka Streams puts task ids and offsets in the ones
 * it wraps around the cause.
 */
final class StreamThreadFailures implements StreamsUncaughtExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(StreamThreadFailures.class);

  private final ThreadReplacement limit;
  private final LongSupplier clockMs;
  private final FeedbackMetrics metrics;

  /** Times of the recent replacements, by way of failing. */
  private final Map<String, Deque<Long>> replacements = new HashMap<>();

  private volatile String gaveUp;

  /** When the last thread was replaced, while the app has not been RUNNING since; -1 otherwise. */
  private long replacedAtMs = -1;

  StreamThreadFailures(ThreadReplacement limit, LongSupplier clockMs, FeedbackMetrics metrics) {
    this.limit = limit;
    this.clockMs = clockMs;
    this.metrics = metrics;
  }

  @Override
  public synchronized StreamThreadExceptionResponse handle(Throwable failure) {
    String way = wayOf(failure);
    long now = clockMs.getAsLong();
    long windowMs = limit.window().toMillis();
    replacements
        .values()
        .forEach(
            times -> {
              while (!times.isEmpty() && times.peekFirst() <= now - windowMs) {
                times.pollFirst();
              }
            });
    replacements.values().removeIf(Deque::isEmpty);
    Deque<Long> times = replacements.computeIfAbsent(way, w -> new ArrayDeque<>());
    if (times.size() >= limit.maxReplacements()) {
      gaveUp =
          "a stream thread failed the same way "
              + (times.size() + 1)
              + " times within "
              + limit.window()
              + " (max-thread-replacements "
              + limit.maxReplacements()
              + ", thread-replacement-window "
              + limit.window()
              + "): "
              + describe(failure)
              + " ["
              + way
              + "]";
      metrics.threadFailure(false);
      log.error("{}; stopping instead of replacing it again", gaveUp, failure);
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
    times.addLast(now);
    replacedAtMs = now;
    metrics.threadFailure(true);
    log.error(
        "a stream thread died; replacing it ({} of {} replacements for this failure within {}; its tasks resume"
            + " from the last commit)",
        times.size(),
        limit.maxReplacements(),
        limit.window(),
        failure);
    return StreamThreadExceptionResponse.REPLACE_THREAD;
  }

  /** The app is RUNNING: any replaced thread has recovered. */
  synchronized void running() {
    replacedAtMs = -1;
  }

  /**
   * Gives up if a replaced thread has not brought the app back to RUNNING within {@link
   * ThreadReplacement#recoveryTimeout()}; true if it gave up now. Called periodically.
   */
  synchronized boolean checkRecovery() {
    if (gaveUp != null
        || replacedAtMs < 0
        || clockMs.getAsLong() - replacedAtMs < limit.recoveryTimeout().toMillis()) {
      return false;
    }
    gaveUp =
        "a replaced stream thread did not bring the app back to RUNNING within "
            + limit.recoveryTimeout()
            + " (thread-recovery-timeout)";
    metrics.threadFailure(false);
    log.error("{}; stopping", gaveUp);
    return true;
  }

  /** Why the app stopped replacing threads; null while it has not. */
  String gaveUp() {
    return gaveUp;
  }

  /**
   * The exception, and its innermost cause when there is one: the cause is what names the problem.
   */
  private static String describe(Throwable failure) {
    Throwable root = failure;
    for (int i = 0; root.getCause() != null && root.getCause() != root && i < 16; i++) {
      root = root.getCause();
    }
    return root == failure ? failure.toString() : failure + ", caused by " + root;
  }

  /** The exception types from outermost to innermost, and where the innermost was thrown. */
  static String wayOf(Throwable failure) {
    List<String> types = new ArrayList<>();
    Throwable root = failure;
    for (Throwable t = failure; t != null && types.size() < 16; t = t.getCause()) {
      types.add(t.getClass().getName());
      root = t;
      if (t.getCause() == t) {
        break;
      }
    }
    StackTraceElement[] trace = root.getStackTrace();
    return String.join(" < ", types) + (trace.length == 0 ? "" : " at " + trace[0]);
  }
}
