package io.lorastream.kafka;

/**
 * A running Kafka cluster that clients reach through {@link #bootstrapServers()}: the in-process
 * {@link EmbeddedKafkaBroker} or a broker in a container (see {@link TestKafka}).
 */
public interface KafkaCluster extends AutoCloseable {

  /** The {@code bootstrap.servers} value for clients, e.g. {@code 127.0.0.1:40123}. */
  String bootstrapServers();

  /** Stops the cluster and releases its storage; calling it again does nothing. */
  @Override
  void close();
}
