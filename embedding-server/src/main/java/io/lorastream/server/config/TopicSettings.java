package io.lorastream.server.config;

import java.util.regex.Pattern;

/**
 * Where adapter versions and pins live, and how the server creates those topics when they are missing.
 *
 * @param prefix prefix of every lorastream topic ({@code lorastream.}): the adapters topic is
 *     {@code <prefix>adapters}, the pins topic {@code <prefix>adapter-pins}
 * @param createTopics create missing topics at start (compacted, large records allowed)
 * @param partitions partitions of topics the server creates
 * @param replicationFactor replication of topics the server creates
 */
public record TopicSettings(String prefix, boolean createTopics, int partitions, short replicationFactor) {

  // declared before DEFAULTS: static fields initialise in order
  private static final Pattern LEGAL = Pattern.compile("[A-Za-z0-9._-]{0,200}");

  public static final TopicSettings DEFAULTS = new TopicSettings("lorastream.", true, 3, (short) 1);

  public TopicSettings {
    if (prefix == null || !LEGAL.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "topic-prefix must be at most 200 of letters, digits, '.', '_' and '-', got '" + prefix + "'");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("topic-partitions must be >= 1, got " + partitions);
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException("replication-factor must be >= 1, got " + replicationFactor);
    }
  }

  /** Published adapter versions (compacted; key {@code <adapter>@<version>}). */
  public String adapters() {
    return prefix + "adapters";
  }

  /** Operator pins (compacted; key = adapter name; tombstone = unpinned). */
  public String adapterPins() {
    return prefix + "adapter-pins";
  }
}
