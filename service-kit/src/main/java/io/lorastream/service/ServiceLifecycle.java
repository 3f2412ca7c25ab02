package io.lorastream.service;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * How a service process stops: on SIGTERM or Ctrl-C its shutdown hook stops it cleanly, or it stops
 * on its own failure and the process exits non-zero for its supervisor to restart it.
 */
public final class ServiceLifecycle {
  private ServiceLifecycle() {}

  /** A registered shutdown hook. */
  public interface Hook {
    /** Unregisters the hook; a no-op once the JVM is shutting down (the hook then runs anyway). */
    void remove();
  }

  /** Runs {@code stop} in a shutdown hook named {@code name}. */
  public static Hook onShutdown(String name, Runnable stop) {
    Thread thread = new Thread(stop, name);
    Runtime.getRuntime().addShutdownHook(thread);
    return () -> {
      try {
        Runtime.getRuntime().removeShutdownHook(thread);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is stopping anyway; the hook runs
      }
    };
  }

  /**
   * Blocks until the JVM is asked to stop (the shutdown hook runs {@code stop}; returns null) or
   * {@code failure} completes with a reason ({@code stop} runs here; returns the reason).
   *
   * @param failure completes when the service stopped on its own; never, for a service that cannot
   */
  public static String runUntilStopped(
      String name, Runnable stop, CompletableFuture<String> failure) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Hook hook =
        onShutdown(
            name,
            () -> {
              stop.run();
              stopped.countDown();
            });
    failure.thenRun(stopped::countDown);
    stopped.await();
    String reason = failure.getNow(null);
    if (reason == null) {
      return null; // asked to stop: the hook stops the service
    }
    hook.remove();
    stop.run();
    return reason;
  }
}
