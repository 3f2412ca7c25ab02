package io.lorastream.streams.config;

import java.time.Duration;
import java.util.Objects;

/**
 * When a failed stream thread is replaced, and when the app gives up instead. A thread that dies is
 * replaced (its tasks resume from the last commit); one that keeps dying the same way (same
 * exception types, same place in the code) is a loop that replacing will not end, so past {@code
 * maxReplacements} within {@code window} the app stops, turns unready and exits non-zero, for its
 * orchestrator to restart it and its operators to be alerted.
 *
 * @param maxReplacements replacements of threads that failed the same way within the window; 0 =
 *     never replace; default 3
 * @param window how far back failures count; default 10 min
 * @param recoveryTimeout how long a replaced thread has to bring the app back to RUNNING (rejoin,
 *     restore its tasks' state) before the app gives up all the same: a replacement can hang, e.g.
 *     on a task directory the dead thread still locks. Default 10 min
 */
public record ThreadReplacement(int maxReplacements, Duration window, Duration recoveryTimeout) {

  public static final ThreadReplacement DEFAULTS =
      new ThreadReplacement(3, Duration.ofMinutes(10), Duration.ofMinutes(10));

  public ThreadReplacement {
    Objects.requireNonNull(window, "thread-replacement-window");
    Objects.requireNonNull(recoveryTimeout, "thread-recovery-timeout");
    if (recoveryTimeout.toMillis() < 1) {
      throw new IllegalArgumentException(
          "thread-recovery-timeout must be at least 1 ms, got " + recoveryTimeout);
    }
    if (maxReplacements < 0) {
      throw new IllegalArgumentException(
          "max-thread-replacements must be >= 0, got " + maxReplacements);
    }
    if (window.toMillis() < 1) {
      throw new IllegalArgumentException(
          "thread-replacement-window must be at least 1 ms, got " + window);
    }
  }
}
