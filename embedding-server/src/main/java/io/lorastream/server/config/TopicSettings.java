package io.lorastream.server.config;

import io.lorastream.schemas.TopicAdmin;
import io.lorastream.schemas.TopicNames;
import io.lorastream.schemas.TopicReplication;
import io.lorastream.schemas.TopicSpec;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Where adapter versions and pins live, and how the server creates those topics when they are
 * missing.
 *
 * @param names every lorastream topic name (prefix {@code lorastream.} by default): the server
 *     reads {@code <prefix>adapters} and {@code <prefix>adapter-pins}
 * @param createTopics create the two topics at start when missing (compacted; adapters take 64 MiB
 *     records)
 * @param partitions partitions of topics the server creates
 * @param replicationFactor replicas of topics the server creates, capped at the broker count
 * @param minInsyncReplicas {@code min.insync.replicas} of topics the server creates
 */
public record TopicSettings(
    TopicNames names,
    boolean createTopics,
    int partitions,
    short replicationFactor,
    int minInsyncReplicas) {

  public static final TopicSettings DEFAULTS =
      new TopicSettings(
          TopicNames.DEFAULT,
          true,
          3,
          TopicReplication.DEFAULT.factor(),
          TopicReplication.DEFAULT.minInsyncReplicas());

  public TopicSettings {
    Objects.requireNonNull(names, "topic names");
    if (partitions < 1) {
      throw new IllegalArgumentException("topic-partitions must be >= 1, got " + partitions);
    }
    new TopicReplication(replicationFactor, minInsyncReplicas); // validates both
  }

  /** Replication and min.insync.replicas of the topics the server creates. */
  public TopicReplication replication() {
    return new TopicReplication(replicationFactor, minInsyncReplicas);
  }

  /** Published adapter versions (compacted; key {@code <adapter>@<version>}). */
  public String adapters() {
    return names.adapters();
  }

  /** Operator pins (compacted; key = adapter name; tombstone = unpinned). */
  public String adapterPins() {
    return names.adapterPins();
  }

  /** The two topics the server reads, as the shared layout defines them. */
  public List<TopicSpec> specs() {
    Set<String> mine = Set.of(adapters(), adapterPins());
    return TopicAdmin.standardSpecs(names, partitions, replication()).stream()
        .filter(s -> mine.contains(s.name()))
        .toList();
  }
}
