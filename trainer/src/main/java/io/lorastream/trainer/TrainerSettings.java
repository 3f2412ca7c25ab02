package io.lorastream.trainer;

import io.lorastream.model.adapter.AdapterKey;
import io.lorastream.model.runtime.DeviceSetting;
import io.lorastream.model.runtime.Precision;
import io.lorastream.schemas.TopicNames;
import io.lorastream.schemas.TopicReplication;
import io.lorastream.trainer.checkpoint.CheckpointMac;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything a trainer instance is told, validated at construction. Loaded by {@link
 * TrainerConfigFiles} (every key, its default and meaning are listed there).
 *
 * @param bootstrap Kafka bootstrap servers
 * @param topics topic names (prefix)
 * @param groupId consumer group of the trainer instances
 * @param instanceId this instance's stable name; its transactional.id, so a restarted instance
 *     fences its predecessor and aborts its open transaction at once
 * @param baseModel {@code default} or a Hugging Face folder
 * @param device auto, cpu or gpu
 * @param precision the base's precision; null = auto (FP16 on a GPU, FP32 on the CPU)
 * @param signingKey the Ed25519 private key (PEM) that signs adapter versions; null = from the
 *     environment variable {@code LORASTREAM_SIGNING_KEY}
 * @param checkpointKey a file holding the key that authenticates checkpoints; null = the
 *     environment variable {@code LORASTREAM_CHECKPOINT_KEY}, else derived from the signing key
 *     ({@link CheckpointMac})
 * @param commitEverySteps a commit point after this many optimizer steps of any adapter
 * @param commitInterval ... or after this long with uncommitted work
 * @param keepVersions versions kept per adapter on the adapters topic; older ones are tombstoned
 * @param batchMaxWait a partial batch is trained once its oldest pair waited this long; 0 = only
 *     full batches
 * @param holdoutFraction share of queries held out for the gate, in [0, 1)
 * @param holdoutMaxQueries held-out queries kept per adapter (oldest dropped first)
 * @param evalPoolMaxDocs documents kept per adapter's evaluation pool (besides the held-out
 *     positives)
 * @param unknownAdapters train or skip adapters the configuration does not name
 * @param maxAdapters adapters one instance trains at most
 * @param documentCacheSize base document embeddings kept in memory
 * @param followDocuments read the documents topic so that the gate knows every document users can
 *     be shown
 * @param createTopics create missing topics at start
 * @param partitions partitions of topics the trainer creates
 * @param replicationFactor replicas of topics the trainer creates, capped at the broker count
 * @param minInsyncReplicas {@code min.insync.replicas} of topics the trainer creates
 * @param maxRecordBytes largest adapter or checkpoint record (producer max.request.size, topic
 *     max.message.bytes, consumer fetch sizes)
 * @param transactionTimeout transaction.timeout.ms: how long a crashed instance's open transaction
 *     blocks readers before the broker aborts it
 * @param limits bounds on consumed pairs and on the state a checkpoint holds
 * @param metricsPort port of {@code /metrics}; 0 = any free port, -1 = no server
 * @param kafka Kafka client properties applied last (consumer, producer, checkpoint reader and
 *     admin: security settings and Kafka's config providers reach all of them)
 * @param adapterDefaults the settings of adapters not listed in {@code adapters}
 * @param adapters per-adapter settings by adapter name
 */
public record TrainerSettings(
    String bootstrap,
    TopicNames topics,
    String groupId,
    String instanceId,
    String baseModel,
    DeviceSetting device,
    Precision precision,
    Path signingKey,
    Path checkpointKey,
    int commitEverySteps,
    Duration commitInterval,
    int keepVersions,
    Duration batchMaxWait,
    double holdoutFraction,
    int holdoutMaxQueries,
    int evalPoolMaxDocs,
    UnknownAdapters unknownAdapters,
    int maxAdapters,
    int documentCacheSize,
    boolean followDocuments,
    boolean createTopics,
    int partitions,
    short replicationFactor,
    int minInsyncReplicas,
    int maxRecordBytes,
    Duration transactionTimeout,
    TrainerLimits limits,
    int metricsPort,
    Map<String, String> kafka,
    AdapterSettings adapterDefaults,
    Map<String, AdapterSettings> adapters) {

  /** The largest record the in-process broker and the standard topics accept. */
  public static final int DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024;

  public TrainerSettings {
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new IllegalArgumentException(
          "bootstrap is required: give --bootstrap HOST:PORT or bootstrap in the config file");
    }
    Objects.requireNonNull(topics, "topics");
    requireName("group-id", groupId);
    requireName("instance-id", instanceId);
    if (baseModel == null || baseModel.isBlank()) {
      throw new IllegalArgumentException(
          "base-model must be 'default' or a Hugging Face folder, got '" + baseModel + "'");
    }
    Objects.requireNonNull(device, "device");
    if (commitEverySteps < 1) {
      throw new IllegalArgumentException(
          "commit-every-steps must be >= 1, got " + commitEverySteps);
    }
    requirePositive("commit-interval", commitInterval);
    if (keepVersions < 1) {
      throw new IllegalArgumentException("keep-versions must be >= 1, got " + keepVersions);
    }
    if (batchMaxWait == null || batchMaxWait.isNegative()) {
      throw new IllegalArgumentException(
          "batch-max-wait must be >= 0 (0 = only full batches), got " + batchMaxWait);
    }
    if (!(holdoutFraction >= 0 && holdoutFraction < 1)) {
      throw new IllegalArgumentException(
          "holdout-fraction must be in [0, 1), got " + holdoutFraction);
    }
    if (holdoutMaxQueries < 1 || evalPoolMaxDocs < 1) {
      throw new IllegalArgumentException(
          "holdout-max-queries and eval-pool-max-docs must be >= 1, got "
              + holdoutMaxQueries
              + " and "
              + evalPoolMaxDocs);
    }
    Objects.requireNonNull(unknownAdapters, "unknown-adapters");
    if (maxAdapters < 1) {
      throw new IllegalArgumentException("max-adapters must be >= 1, got " + maxAdapters);
    }
    if (documentCacheSize < 1) {
      throw new IllegalArgumentException(
          "document-cache-size must be >= 1, got " + documentCacheSize);
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
    }
    if (replicationFactor < 1 || minInsyncReplicas < 1 || minInsyncReplicas > replicationFactor) {
      throw new IllegalArgumentException(
          "replication-factor must be >= 1 and min-insync-replicas between 1 and replication-factor, got "
              + replicationFactor
              + " and "
              + minInsyncReplicas
              + " (3 and 2 let one broker fail)");
    }
    if (maxRecordBytes < 1024 * 1024) {
      throw new IllegalArgumentException(
          "max-record-bytes must be >= 1048576 (1 MiB), got " + maxRecordBytes);
    }
    requirePositive("transaction-timeout", transactionTimeout);
    Objects.requireNonNull(limits, "limits");
    if (metricsPort < -1 || metricsPort > 65535) {
      throw new IllegalArgumentException(
          "metrics-port must be -1 (off), 0 (any) or a port, got " + metricsPort);
    }
    kafka = Map.copyOf(kafka == null ? Map.of() : kafka);
    Objects.requireNonNull(adapterDefaults, "adapter-defaults");
    adapters =
        java.util.Collections.unmodifiableSortedMap(
            new TreeMap<>(adapters == null ? Map.of() : adapters));
    adapters.keySet().forEach(AdapterKey::requireValidName);
    if (adapters.size() > maxAdapters) {
      throw new IllegalArgumentException(
          adapters.size()
              + " adapters are configured but max-adapters is "
              + maxAdapters
              + "; raise max-adapters");
    }
    limits.requireRoomFor("adapter-defaults", adapterDefaults);
    adapters.forEach((name, a) -> limits.requireRoomFor("adapters." + name, a));
    if (holdoutFraction == 0) {
      adapters.forEach((name, a) -> requireFixedEvalSet("adapters." + name, a));
      if (unknownAdapters == UnknownAdapters.TRAIN) {
        requireFixedEvalSet("adapter-defaults", adapterDefaults);
      }
    }
  }

  /** The settings of {@code adapter}: its own if configured, else the defaults. */
  public AdapterSettings settingsFor(String adapter) {
    return adapters.getOrDefault(adapter, adapterDefaults);
  }

  /** True when the configuration names {@code adapter}. */
  public boolean configured(String adapter) {
    return adapters.containsKey(adapter);
  }

  /** Copy with another bootstrap (the command line wins over the file). */
  public TrainerSettings withBootstrap(String newBootstrap) {
    return new TrainerSettings(
        newBootstrap,
        topics,
        groupId,
        instanceId,
        baseModel,
        device,
        precision,
        signingKey,
        checkpointKey,
        commitEverySteps,
        commitInterval,
        keepVersions,
        batchMaxWait,
        holdoutFraction,
        holdoutMaxQueries,
        evalPoolMaxDocs,
        unknownAdapters,
        maxAdapters,
        documentCacheSize,
        followDocuments,
        createTopics,
        partitions,
        replicationFactor,
        minInsyncReplicas,
        maxRecordBytes,
        transactionTimeout,
        limits,
        metricsPort,
        kafka,
        adapterDefaults,
        adapters);
  }

  /** Replication and min.insync.replicas of the topics the trainer creates. */
  public TopicReplication replication() {
    return new TopicReplication(replicationFactor, minInsyncReplicas);
  }

  private static void requireFixedEvalSet(String where, AdapterSettings a) {
    if (!a.gate().fixedEvalSet()) {
      throw new IllegalArgumentException(
          "holdout-fraction is 0 but "
              + where
              + " has no eval-dataset: the gate needs a held-out slice or a fixed eval set");
    }
  }

  private static void requireName(String key, String value) {
    if (value == null || !value.matches("[A-Za-z0-9._-]{1,200}")) {
      throw new IllegalArgumentException(
          key + " must be 1-200 letters, digits, '.', '_' or '-', got '" + value + "'");
    }
  }

  private static void requirePositive(String key, Duration d) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(key + " must be a positive duration, got " + d);
    }
  }
}
