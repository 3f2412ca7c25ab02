package io.lorastream.cli;

import io.lorastream.kafka.EmbeddedKafkaBroker;
import io.lorastream.kafka.EmbeddedKafkaConfig;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** A real Kafka broker for the other lorastream services, running until Ctrl-C or SIGTERM. */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description = {
      "Run a real Apache Kafka broker (one KRaft node) in this JVM until Ctrl-C or SIGTERM.",
      "Prints its bootstrap address (127.0.0.1:PORT) as the only line on stdout."
    })
final class BrokerCommand implements Callable<Integer> {

  @Option(
      names = "--port",
      paramLabel = "N",
      defaultValue = "9092",
      description = "Client port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description =
          "Keep Kafka's data in DIR: kept on exit and found again on the next start."
              + " Without it the data lives in a temporary directory removed on exit.")
  Path dataDir;

  @Override
  public Integer call() throws InterruptedException {
    EmbeddedKafkaBroker broker;
    try {
      broker = EmbeddedKafkaBroker.start(new EmbeddedKafkaConfig(port, dataDir, Map.of()));
    } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
      System.err.println("lorastream broker: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    // The JVM runs this on Ctrl-C and SIGTERM; close() stops Kafka cleanly so the data dir is
    // consistent for the next start (or removed, if it was temporary).
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  broker.close();
                  System.err.println("lorastream broker: stopped");
                  stopped.countDown();
                },
                "lorastream-broker-shutdown"));
    System.out.println(broker.bootstrapServers());
    System.out.flush();
    System.err.println(
        "lorastream broker: serving on "
            + broker.bootstrapServers()
            + (dataDir == null
                ? " with temporary data (removed on exit)"
                : " with data in " + broker.dataDir() + " (kept)")
            + "; Ctrl-C stops it");
    stopped.await();
    return 0;
  }
}
