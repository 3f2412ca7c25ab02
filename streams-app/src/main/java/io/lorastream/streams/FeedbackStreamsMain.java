package io.lorastream.streams;

import io.lorastream.service.ServiceLifecycle;
import io.lorastream.streams.config.ConfigFiles;
import io.lorastream.streams.config.FeedbackStreamsConfig;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs the streams app until SIGTERM/SIGINT, or until it stops on its own (exit status 1): {@code
 * --bootstrap HOST:PORT [--config FILE] [--metrics-port N] [--state-dir DIR]}. The {@code
 * lorastream streams} command is the user-facing way in; this entry point lets a test run the app
 * in a child JVM it can kill hard.
 */
public final class FeedbackStreamsMain {
  private FeedbackStreamsMain() {}

  public static void main(String[] args) throws InterruptedException {
    String bootstrap = null;
    FeedbackStreamsConfig config = FeedbackStreamsConfig.DEFAULTS;
    Integer metricsPort = null;
    Path stateDir = null;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--bootstrap" -> bootstrap = value;
        case "--config" -> config = ConfigFiles.load(Path.of(value));
        case "--metrics-port" -> metricsPort = Integer.parseInt(value);
        case "--state-dir" -> stateDir = Path.of(value);
        default -> {
          System.err.println(
              "unknown argument "
                  + args[i]
                  + "; usage: --bootstrap HOST:PORT [--config FILE] [--metrics-port N] [--state-dir DIR]");
          System.exit(2);
        }
      }
      i++;
    }
    if (bootstrap == null) {
      System.err.println("--bootstrap HOST:PORT is required");
      System.exit(2);
    }
    int status;
    try {
      status = run(bootstrap, config, metricsPort, stateDir);
    } catch (IllegalStateException | IllegalArgumentException | java.io.UncheckedIOException e) {
      System.err.println("lorastream streams: " + e.getMessage());
      status = 1;
    }
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * Starts the app and blocks until the JVM is asked to stop (the app is closed cleanly in the
   * shutdown hook; 0) or the app stops on its own because its stream threads keep failing (closed
   * here; 1, for the process to exit non-zero and be restarted).
   */
  public static int run(
      String bootstrap, FeedbackStreamsConfig config, Integer metricsPort, Path stateDir)
      throws InterruptedException {
    var runtime = config.runtime();
    if (metricsPort != null) {
      runtime = runtime.withMetricsPort(metricsPort);
    }
    if (stateDir != null) {
      runtime = runtime.withStateDir(stateDir);
    }
    FeedbackStreamsApp app =
        FeedbackStreamsApp.start(bootstrap, config.withRuntime(runtime), Duration.ofMinutes(2));
    System.out.println(
        "lorastream streams running; metrics on http://localhost:"
            + app.metricsPort()
            + "/metrics");
    String failure =
        ServiceLifecycle.runUntilStopped(
            "lorastream-streams-shutdown",
            () -> {
              app.close(Duration.ofSeconds(30));
              System.out.println("lorastream streams stopped");
            },
            app.failure());
    if (failure == null) {
      return 0; // asked to stop: the hook closed the app
    }
    System.err.println(
        "lorastream streams: stopped: "
            + failure
            + "; exiting with status 1 (restart the process"
            + " once the cause is fixed; docs/operations.md, \"Limits and floods: streams app\")");
    return 1;
  }
}
