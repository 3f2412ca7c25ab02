package io.lorastream.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place integration tests get a Kafka broker from: Testcontainers' Kafka module (the {@code
 * apache/kafka} image of the Kafka version on the classpath) when a Docker engine is reachable, the
 * in-process {@link EmbeddedKafkaBroker} otherwise. Both start with {@link
 * EmbeddedKafkaConfig#defaultBrokerProperties()}, so tests see the same broker settings either way.
 *
 * <p>The choice can be forced with the system property {@code lorastream.test.kafka} (or the
 * environment variable {@code LORASTREAM_TEST_KAFKA}): {@code auto} (default), {@code embedded} or
 * {@code container}.
 *
 * <p>The container path needs {@code org.testcontainers:kafka} on the test classpath; without it
 * the in-process broker is used.
 */
public final class TestKafka {

  private static final Logger log = LoggerFactory.getLogger(TestKafka.class);

  static final String MODE_PROPERTY = "lorastream.test.kafka";
  static final String MODE_ENV = "LORASTREAM_TEST_KAFKA";

  /** Which broker {@link TestKafka#start()} runs. */
  enum Mode {
    AUTO,
    EMBEDDED,
    CONTAINER
  }

  private TestKafka() {}

  /** Starts a broker with the default settings; close it when the test is done. */
  public static KafkaCluster start() {
    return start(Map.of());
  }

  /** Starts a broker with these broker settings laid over the defaults. */
  public static KafkaCluster start(Map<String, String> brokerProperties) {
    EmbeddedKafkaConfig config =
        EmbeddedKafkaConfig.defaults().withBrokerProperties(brokerProperties);
    Mode mode = mode();
    boolean useContainer =
        switch (mode) {
          case EMBEDDED -> false;
          case CONTAINER -> {
            if (!testcontainersOnClasspath()) {
              throw new IllegalStateException(
                  MODE_PROPERTY
                      + "=container needs org.testcontainers:kafka on the test classpath");
            }
            yield true;
          }
          case AUTO ->
              testcontainersOnClasspath()
                  && dockerLikelyReachable()
                  && ContainerKafka.dockerAvailable();
        };
    if (useContainer) {
      KafkaCluster cluster = ContainerKafka.start(config.effectiveBrokerProperties());
      log.info("Test Kafka: {}", cluster);
      return cluster;
    }
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(config);
    log.info("Test Kafka: {} (no Docker engine reachable, or {}=embedded)", broker, MODE_PROPERTY);
    return broker;
  }

  static Mode mode() {
    String raw = System.getProperty(MODE_PROPERTY, System.getenv(MODE_ENV));
    if (raw == null || raw.isBlank()) {
      return Mode.AUTO;
    }
    try {
      return Mode.valueOf(raw.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          MODE_PROPERTY
              + " (or "
              + MODE_ENV
              + ") must be auto, embedded or container, got '"
              + raw
              + "'");
    }
  }

  private static boolean testcontainersOnClasspath() {
    try {
      Class.forName(
          "org.testcontainers.kafka.KafkaContainer", false, TestKafka.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /**
   * A cheap look for any sign of a Docker engine before asking Testcontainers, which logs a
   * multi-line error on every machine without one. When a sign exists, Testcontainers decides.
   */
  static boolean dockerLikelyReachable() {
    if (notBlank(System.getenv("DOCKER_HOST"))
        || notBlank(System.getenv("TESTCONTAINERS_HOST_OVERRIDE"))
        || notBlank(System.getenv("TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE"))) {
      return true;
    }
    String home = System.getProperty("user.home", "");
    String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
    Stream<Path> sockets =
        Stream.of(
            Path.of("/var/run/docker.sock"),
            Path.of(home, ".docker", "run", "docker.sock"),
            Path.of(home, ".docker", "desktop", "docker.sock"),
            Path.of(home, ".rd", "docker.sock"),
            Path.of(home, ".colima", "default", "docker.sock"),
            Path.of(runtimeDir == null ? "/nonexistent" : runtimeDir, "docker.sock"),
            Path.of(runtimeDir == null ? "/nonexistent" : runtimeDir, "podman", "podman.sock"));
    // A docker.host in the Testcontainers settings file points at an engine we cannot see from
    // here.
    return sockets.anyMatch(Files::exists)
        || Files.exists(Path.of(home, ".testcontainers.properties"))
        || System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("windows");
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }
}
