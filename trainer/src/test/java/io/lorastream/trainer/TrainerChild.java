package io.lorastream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A trainer in its own JVM ({@link CrashTrainerMain}) whose stdout markers arrive in a queue; its
 * log goes to {@code target/trainer-children}. PyTorch allows one gradient collector per process,
 * so a second trainer instance needs a process of its own anyway.
 */
final class TrainerChild {

  final Process process;
  final Path log;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  TrainerChild(Path settings, String name) throws Exception {
    Path logs = Path.of("target", "trainer-children");
    Files.createDirectories(logs);
    log = logs.resolve(name + ".log");
    process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true",
                "-Xmx1g",
                "-Dlog4j2.configurationFile=log4j2-crash.xml",
                "-Dcrash.pause.ms=400",
                "-cp",
                System.getProperty("java.class.path"),
                CrashTrainerMain.class.getName(),
                settings.toString())
            .redirectError(log.toFile())
            .start();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  lines.add(line);
                }
              } catch (Exception e) {
                lines.add("EOF " + e);
              }
              lines.add("EOF");
            });
    reader.setDaemon(true);
    reader.start();
  }

  /** Waits for the {@code n}-th line starting with {@code prefix}. */
  void await(String prefix, int n, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int seen = 0;
    while (seen < n) {
      String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null || line.startsWith("EOF")) {
        throw new AssertionError(
            "trainer child ended or went silent before " + n + " x " + prefix + " (" + line + ")");
      }
      seen += line.startsWith(prefix) ? 1 : 0;
    }
  }

  /** SIGKILL. */
  void kill() throws Exception {
    process.destroyForcibly();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    report("killed");
  }

  /** SIGTERM: the trainer commits and exits. */
  void terminate() throws Exception {
    process.destroy();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    report("terminated (exit " + process.exitValue() + ")");
  }

  /** Lines of the child's log that contain {@code text}. */
  List<String> logLines(String text) throws Exception {
    return Files.readAllLines(log).stream().filter(l -> l.contains(text)).toList();
  }

  /** Echoes what the child said about resuming and aborting, for the test's output. */
  private void report(String how) throws Exception {
    System.out.println(how + " " + log.getFileName());
    for (String line : Files.readAllLines(log)) {
      if (line.contains("resumed adapter")
          || line.contains("aborted")
          || line.contains("open transaction")
          || line.contains("assigned")) {
        System.out.println("  " + line);
      }
    }
  }
}
