package io.lorastream.server.config;

import io.lorastream.schemas.TopicAdmin;
import io.lorastream.schemas.TopicNames;
import io.lorastream.schemas.TopicSpec;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Where adapter versions and pins live, and how the server creates those topics when they are missing.
 *
 * @param names every lorastream topic name (prefix {@code lorastream.} by default): the server reads
 *     {@code <prefix>adapters} and {@code <prefix>adapter-pins}
 * @param createTopics create the two topics at start when missing (compacted; adapters take 64 MiB records)
 * @param partitions partitions of topics the server creates
 * @param replicationFactor replication of topics the server creates
 */
public record TopicSettings(TopicNames names, boolean createTopics, int partitions, short replicationFactor) {

  public static final TopicSettings DEFAULTS = new TopicSettings(TopicNames.DEFAULT, true, 3, (short) 1);

  public TopicSettings {
    Objects.requireNonNull(names, "topic names");
    if (partitions < 1) {
      throw new IllegalArgumentException("topic-partitions must be >= 1, got " + partitions);
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException("replication-factor must be >= 1, got " + replicationFactor);
    }
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
    return TopicAdmin.standardSpecs(names, partitions, replicationFactor).stream()
        .filter(s -> mine.contains(s.name()))
        .toList();
  }
}
