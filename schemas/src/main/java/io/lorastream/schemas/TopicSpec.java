package io.lorastream.schemas;

import java.util.Map;
import java.util.Objects;

/**
 * How a topic should be created: partitions, replication and topic-level configs (cleanup.policy,
 * max.message.bytes ...).
 */
public record TopicSpec(
    String name, int partitions, short replicationFactor, Map<String, String> configs) {
  public TopicSpec {
    Objects.requireNonNull(name, "name");
    if (partitions < 1) {
      throw new IllegalArgumentException(
          "partitions of " + name + " must be >= 1, got " + partitions);
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException(
          "replication factor of " + name + " must be >= 1, got " + replicationFactor);
    }
    configs = Map.copyOf(configs == null ? Map.of() : configs);
  }
}
