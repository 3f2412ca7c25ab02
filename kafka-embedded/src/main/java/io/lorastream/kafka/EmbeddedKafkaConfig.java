package io.lorastream.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * How to run an {@link EmbeddedKafkaBroker} (a single KRaft node with the broker and controller
 * roles on loopback) or each node of an {@link EmbeddedKafkaCluster}.
 *
 * @param port the client port on 127.0.0.1; 0 picks a free one
 * @param dataDir where Kafka keeps its logs and metadata; {@code null} makes a temporary directory
 *     that {@link EmbeddedKafkaBroker#close()} deletes. A directory the caller names is kept, so a
 *     broker restarted on it finds its committed records again.
 * @param brokerProperties Kafka broker settings laid over {@link #defaultBrokerProperties()}; the
 *     node's identity, listeners and directories are set by the broker itself and may not be given
 *     here
 * @param security SASL/SCRAM authentication and the ACL authorizer; {@code null} for PLAINTEXT with
 *     no authorization (the default)
 */
public record EmbeddedKafkaConfig(
    int port, Path dataDir, Map<String, String> brokerProperties, BrokerSecurity security) {

  /**
   * Records up to this size are accepted: adapter versions are published as single multi-MB
   * records.
   */
  public static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

  /**
   * Settings the broker derives from port and data dir; overriding them would break the single
   * node.
   */
  static final Set<String> RESERVED_PROPERTIES =
      Set.of(
          "process.roles",
          "node.id",
          "listeners",
          "advertised.listeners",
          "listener.security.protocol.map",
          "inter.broker.listener.name",
          "controller.listener.names",
          "controller.quorum.voters",
          "controller.quorum.bootstrap.servers",
          "log.dirs",
          "log.dir",
          "metadata.log.dir",
          "sasl.mechanism.inter.broker.protocol",
          "sasl.mechanism.controller.protocol",
          "authorizer.class.name",
          "super.users");

  private static final Map<String, String> DEFAULT_BROKER_PROPERTIES = singleNodeDefaults();

  public EmbeddedKafkaConfig {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          "port must be between 0 and 65535 (0 picks a free port), got " + port);
    }
    if (dataDir != null && Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
      throw new IllegalArgumentException(
          "dataDir must be a directory (or not exist yet), got the file "
              + dataDir.toAbsolutePath());
    }
    Objects.requireNonNull(brokerProperties, "brokerProperties must not be null; pass Map.of()");
    Set<String> reserved = new TreeSet<>();
    for (Map.Entry<String, String> e : brokerProperties.entrySet()) {
      if (e.getKey() == null || e.getKey().isBlank() || e.getValue() == null) {
        throw new IllegalArgumentException(
            "brokerProperties must have non-blank keys and non-null values, got "
                + e.getKey()
                + "="
                + e.getValue());
      }
      if (RESERVED_PROPERTIES.contains(e.getKey())) {
        reserved.add(e.getKey());
      }
    }
    if (!reserved.isEmpty()) {
      throw new IllegalArgumentException(
          "brokerProperties may not set "
              + reserved
              + ": the embedded broker derives them from port and dataDir (and security); set"
              + " those instead");
    }
    brokerProperties = Map.copyOf(brokerProperties);
  }

  /** A broker without security. */
  public EmbeddedKafkaConfig(int port, Path dataDir, Map<String, String> brokerProperties) {
    this(port, dataDir, brokerProperties, null);
  }

  /** A broker on a free port with a temporary data directory and the single-node defaults. */
  public static EmbeddedKafkaConfig defaults() {
    return new EmbeddedKafkaConfig(0, null, Map.of());
  }

  public EmbeddedKafkaConfig withPort(int newPort) {
    return new EmbeddedKafkaConfig(newPort, dataDir, brokerProperties, security);
  }

  public EmbeddedKafkaConfig withDataDir(Path newDataDir) {
    return new EmbeddedKafkaConfig(port, newDataDir, brokerProperties, security);
  }

  /** Replaces the extra broker settings (they still sit on top of the defaults). */
  public EmbeddedKafkaConfig withBrokerProperties(Map<String, String> newProperties) {
    return new EmbeddedKafkaConfig(port, dataDir, newProperties, security);
  }

  /** SASL/SCRAM and ACLs ({@code null}: PLAINTEXT, no authorization). */
  public EmbeddedKafkaConfig withSecurity(BrokerSecurity newSecurity) {
    return new EmbeddedKafkaConfig(port, dataDir, brokerProperties, newSecurity);
  }

  /**
   * The settings every lorastream test broker starts from, in-process or in a container: what a
   * one-node cluster needs (internal topics with one replica), what the services need
   * (transactions, 64 MiB records), and what keeps tests quick (no initial rebalance delay, one
   * partition for the internal topics).
   */
  public static Map<String, String> defaultBrokerProperties() {
    return DEFAULT_BROKER_PROPERTIES;
  }

  /**
   * What a cluster of {@code nodes} KRaft nodes changes in {@link #defaultBrokerProperties()}:
   * internal topics (consumer offsets, transaction state) and topics created without a replication
   * factor get 3 replicas with at least 2 in sync, or as many as there are nodes, so that the
   * cluster survives one node's loss; and a node stops without a controlled shutdown, as a crashed
   * one would (its partitions keep their leader until the controller fences it).
   */
  public static Map<String, String> clusterBrokerProperties(int nodes) {
    if (nodes < 1) {
      throw new IllegalArgumentException("a cluster needs at least one node, got " + nodes);
    }
    String replicas = Integer.toString(Math.min(3, nodes));
    String minIsr = Integer.toString(Math.max(1, Math.min(2, nodes - 1)));
    Map<String, String> p = new LinkedHashMap<>();
    p.put("offsets.topic.replication.factor", replicas);
    p.put("transaction.state.log.replication.factor", replicas);
    p.put("transaction.state.log.min.isr", minIsr);
    p.put("share.coordinator.state.topic.replication.factor", replicas);
    p.put("share.coordinator.state.topic.min.isr", minIsr);
    p.put("default.replication.factor", replicas);
    p.put("min.insync.replicas", minIsr);
    p.put("controlled.shutdown.enable", "false");
    return Map.copyOf(p);
  }

  /**
   * {@link #defaultBrokerProperties()} with this config's {@code brokerProperties} laid over them.
   */
  public Map<String, String> effectiveBrokerProperties() {
    Map<String, String> merged = new LinkedHashMap<>(DEFAULT_BROKER_PROPERTIES);
    merged.putAll(brokerProperties);
    return Map.copyOf(merged);
  }

  private static Map<String, String> singleNodeDefaults() {
    Map<String, String> p = new LinkedHashMap<>();
    // One node: internal topics cannot have more replicas than there are brokers.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    // Consumers and Streams apps join a group at once instead of waiting 3 s for more members.
    p.put("group.initial.rebalance.delay.ms", "0");
    // Services create their topics explicitly (partitions, compaction); a typo must fail, not
    // create.
    p.put("auto.create.topics.enable", "false");
    p.put("message.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
    p.put("replica.fetch.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
    // The cleaner's dedupe map is allocated on the heap up front (128 MiB by default); compacted
    // topics here are small, and the broker often shares its JVM with the model.
    p.put("log.cleaner.dedupe.buffer.size", Integer.toString(32 * 1024 * 1024));
    return Map.copyOf(p);
  }
}
