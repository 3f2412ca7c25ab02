package io.lorastream.streams.config;

import io.lorastream.schemas.TopicReplication;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How the Kafka Streams app runs (not what it computes).
 *
 * @param applicationId Kafka Streams application.id: consumer group, state and internal topic
 *     prefix; default {@code lorastream-streams}
 * @param numStreamThreads default 1
 * @param commitInterval transaction commit interval; default 100 ms (Kafka Streams' own default
 *     under exactly-once)
 * @param cacheMaxBytes record cache shared by all threads; default 10 MiB
 * @param stateDir where RocksDB state lives; default {@code ${java.io.tmpdir}/lorastream-streams}
 * @param partitions partitions of topics this app creates; default 3
 * @param replicationFactor of topics this app creates (and of its internal topics); default 3,
 *     capped at the broker count when the cluster has fewer (a single development broker works
 *     unchanged)
 * @param minInsyncReplicas {@code min.insync.replicas} of the topics this app creates; default 2,
 *     so one broker of three may fail with no write lost or refused
 * @param createTopics create missing lorastream topics at start; default true
 * @param metricsPort the /metrics HTTP port; default 9410 (0 = a free port)
 * @param impressionStoreType where the open impressions live (with their closing index, watermark
 *     and parked pairs): state bounded by window + grace of traffic, read and written for every
 *     search event and interaction; default {@code in-memory}
 * @param labelStoreType where the label state lives (event ids kept for dedupe-retention, the
 *     grade-0 docs of every labelled query): grows with retention and distinct queries; default
 *     {@code rocksdb}
 * @param maxTaskIdle how long a task waits for data on an empty input partition before processing
 *     the others, so that search events and interactions are read in event-time order even when one
 *     topic's records reach the broker later (otherwise interactions could run stream time past
 *     impressions not yet read); default 1 s
 * @param kafka extra Kafka Streams/client properties ({@code kafka.<name>=<value>}), applied last;
 *     the security settings among them (and Kafka's config providers) reach every client the app
 *     builds
 */
public record StreamsRuntime(
    String applicationId,
    int numStreamThreads,
    Duration commitInterval,
    long cacheMaxBytes,
    Path stateDir,
    int partitions,
    short replicationFactor,
    int minInsyncReplicas,
    boolean createTopics,
    int metricsPort,
    Duration maxTaskIdle,
    StoreType impressionStoreType,
    StoreType labelStoreType,
    Map<String, String> kafka) {

  // Before DEFAULTS: static fields initialise in order.
  private static final Pattern APP_ID = Pattern.compile("[A-Za-z0-9._-]{1,200}");

  public static final StreamsRuntime DEFAULTS =
      new StreamsRuntime(
          "lorastream-streams",
          1,
          Duration.ofMillis(100),
          10L * 1024 * 1024,
          Path.of(System.getProperty("java.io.tmpdir"), "lorastream-streams"),
          3,
          TopicReplication.DEFAULT.factor(),
          TopicReplication.DEFAULT.minInsyncReplicas(),
          true,
          9410,
          Duration.ofSeconds(1),
          StoreType.IN_MEMORY,
          StoreType.ROCKSDB,
          Map.of());

  public StreamsRuntime {
    if (applicationId == null || !APP_ID.matcher(applicationId).matches()) {
      throw new IllegalArgumentException(
          "application-id must be 1-200 letters, digits, '.', '_' or '-', got '"
              + applicationId
              + "'");
    }
    if (numStreamThreads < 1 || numStreamThreads > 64) {
      throw new IllegalArgumentException(
          "num-stream-threads must be in 1..64, got " + numStreamThreads);
    }
    Objects.requireNonNull(commitInterval, "commit-interval");
    if (commitInterval.toMillis() < 1) {
      throw new IllegalArgumentException(
          "commit-interval must be at least 1 ms, got " + commitInterval);
    }
    if (cacheMaxBytes < 0) {
      throw new IllegalArgumentException("cache-max-bytes must be >= 0, got " + cacheMaxBytes);
    }
    Objects.requireNonNull(stateDir, "state-dir");
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
    }
    new TopicReplication(replicationFactor, minInsyncReplicas); // validates both
    if (metricsPort < 0 || metricsPort > 65535) {
      throw new IllegalArgumentException("metrics-port must be in 0..65535, got " + metricsPort);
    }
    Objects.requireNonNull(maxTaskIdle, "max-task-idle");
    if (maxTaskIdle.isNegative()) {
      throw new IllegalArgumentException("max-task-idle must be >= 0, got " + maxTaskIdle);
    }
    Objects.requireNonNull(impressionStoreType, "impression-store-type");
    Objects.requireNonNull(labelStoreType, "label-store-type");
    kafka = Map.copyOf(kafka == null ? Map.of() : kafka);
  }

  /** Replication and min.insync.replicas of the topics this app creates. */
  public TopicReplication replication() {
    return new TopicReplication(replicationFactor, minInsyncReplicas);
  }

  public StreamsRuntime withMetricsPort(int port) {
    return new StreamsRuntime(
        applicationId,
        numStreamThreads,
        commitInterval,
        cacheMaxBytes,
        stateDir,
        partitions,
        replicationFactor,
        minInsyncReplicas,
        createTopics,
        port,
        maxTaskIdle,
        impressionStoreType,
        labelStoreType,
        kafka);
  }

  public StreamsRuntime withStateDir(Path dir) {
    return new StreamsRuntime(
        applicationId,
        numStreamThreads,
        commitInterval,
        cacheMaxBytes,
        dir,
        partitions,
        replicationFactor,
        minInsyncReplicas,
        createTopics,
        metricsPort,
        maxTaskIdle,
        impressionStoreType,
        labelStoreType,
        kafka);
  }

  /** The same runtime with another replication (e.g. capped at the cluster's broker count). */
  public StreamsRuntime withReplication(TopicReplication r) {
    return new StreamsRuntime(
        applicationId,
        numStreamThreads,
        commitInterval,
        cacheMaxBytes,
        stateDir,
        partitions,
        r.factor(),
        r.minInsyncReplicas(),
        createTopics,
        metricsPort,
        maxTaskIdle,
        impressionStoreType,
        labelStoreType,
        kafka);
  }
}
