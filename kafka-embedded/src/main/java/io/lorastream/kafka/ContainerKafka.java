package io.lorastream.kafka;

import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.utils.AppInfoParser;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A Kafka broker in a Docker container (Testcontainers' {@code apache/kafka} module). Kept apart
 * from {@link TestKafka} so that Testcontainers classes load only when this path is taken.
 */
final class ContainerKafka implements KafkaCluster {

  private final KafkaContainer container;

  private ContainerKafka(KafkaContainer container) {
    this.container = container;
  }

  static boolean dockerAvailable() {
    return DockerClientFactory.instance().isDockerAvailable();
  }

  /** Starts {@code apache/kafka} at the version of the Kafka clients on the classpath. */
  static ContainerKafka start(Map<String, String> brokerProperties) {
    DockerImageName image =
        DockerImageName.parse("apache/kafka").withTag(AppInfoParser.getVersion());
    KafkaContainer container = new KafkaContainer(image);
    brokerProperties.forEach((key, value) -> container.withEnv(envName(key), value));
    try {
      container.start();
    } catch (RuntimeException e) {
      container.close();
      throw new IllegalStateException(
          "Could not start Kafka container " + image + ": " + e.getMessage(), e);
    }
    return new ContainerKafka(container);
  }

  /**
   * The environment variable the apache/kafka image turns into a broker property: {@code KAFKA_}
   * prefix, upper case, with '.' as '_', '_' as '__' and '-' as '___' (the image's own rule).
   */
  static String envName(String property) {
    StringBuilder name = new StringBuilder("KAFKA_");
    for (char c : property.toCharArray()) {
      switch (c) {
        case '.' -> name.append('_');
        case '_' -> name.append("__");
        case '-' -> name.append("___");
        default -> name.append(Character.toUpperCase(c));
      }
    }
    return name.toString().toUpperCase(Locale.ROOT);
  }

  @Override
  public String bootstrapServers() {
    return container.getBootstrapServers();
  }

  @Override
  public void close() {
    container.close();
  }

  @Override
  public String toString() {
    return "Kafka container " + container.getDockerImageName() + " on " + bootstrapServers();
  }
}
