package io.lorastream.kafka;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.utils.AppInfoParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker running in this JVM: one KRaft node with the broker and controller
 * roles, listening on 127.0.0.1. {@link #start(EmbeddedKafkaConfig)} formats the storage the way
 * {@code kafka-storage.sh format} does (unless it is formatted already), starts the server and
 * returns once a client can reach it. With {@link EmbeddedKafkaConfig#security()} set, clients
 * authenticate with SASL/SCRAM and ACLs decide what they may do (see {@link BrokerSecurity}).
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
 *   props.put("bootstrap.servers", kafka.bootstrapServers());
 * }
 * }</pre>
 */
public final class EmbeddedKafkaBroker implements KafkaCluster {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

  /**
   * The only node, so its id is fixed; a data dir formatted for it stays usable across restarts.
   */
  static final int NODE_ID = 1;

  /** Free ports are picked before Kafka binds them; another process may take one in between. */
  private static final int BIND_ATTEMPTS = 5;

  private final KafkaNode node;
  private final boolean ownsDataDir;
  private final String clusterId;
  private final BrokerSecurity security;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedKafkaBroker(
      KafkaNode node, boolean ownsDataDir, String clusterId, BrokerSecurity security) {
    this.node = node;
    this.ownsDataDir = ownsDataDir;
    this.clusterId = clusterId;
    this.security = security;
  }

  /** Starts a broker with {@link EmbeddedKafkaConfig#defaults()}: free port, temporary data. */
  public static EmbeddedKafkaBroker start() {
    return start(EmbeddedKafkaConfig.defaults());
  }

  /**
   * Starts a broker and waits until it serves clients (and, when secured, until its SCRAM users can
   * log in).
   *
   * @throws IllegalArgumentException if the port is taken or the data dir holds something else
   * @throws IllegalStateException if Kafka does not start within a minute or fails to start
   */
  public static EmbeddedKafkaBroker start(EmbeddedKafkaConfig config) {
    long startNanos = System.nanoTime();
    boolean ownsDataDir = config.dataDir() == null;
    Path dataDir =
        ownsDataDir ? KafkaStorage.createTemporary() : KafkaStorage.prepare(config.dataDir());
    try {
      if (config.port() != 0) {
        LoopbackPorts.requireFree(config.port());
      }
      String clusterId = null;
      for (int attempt = 1; ; attempt++) {
        NodePorts ports = NodePorts.pick(config.port(), config.security() != null);
        KafkaNode node =
            new KafkaNode(NODE_ID, ports, dataDir, config, KafkaNode.voters(List.of(ports)));
        clusterId = node.format(clusterId);
        try {
          node.start();
          NodeAdmin.awaitBrokers(
              node.internalBootstrapServers(), node.internalClientSecurity(), Set.of(NODE_ID));
          if (config.security() != null) {
            NodeAdmin.createScramUsers(
                node.internalBootstrapServers(),
                node.internalClientSecurity(),
                node.bootstrapServers(),
                config.security());
          }
        } catch (RuntimeException e) {
          node.stop();
          if (LoopbackPorts.isBindFailure(e) && attempt < BIND_ATTEMPTS) {
            log.info("A port picked for Kafka was taken meanwhile ({}); retrying", e.getMessage());
            continue;
          }
          throw new IllegalStateException(
              "The embedded Kafka broker failed to start on data dir "
                  + dataDir
                  + ": "
                  + e.getMessage(),
              e);
        }
        EmbeddedKafkaBroker broker =
            new EmbeddedKafkaBroker(node, ownsDataDir, clusterId, config.security());
        log.info(
            "Kafka {} (KRaft, in-process{}) serving on {} after {} ms; data in {}{}",
            AppInfoParser.getVersion(),
            config.security() == null ? "" : ", SASL/SCRAM and ACLs",
            broker.bootstrapServers(),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
            dataDir,
            ownsDataDir ? " (deleted on close)" : "");
        return broker;
      }
    } catch (RuntimeException e) {
      if (ownsDataDir) {
        KafkaStorage.deleteQuietly(dataDir);
      }
      throw e;
    }
  }

  @Override
  public String bootstrapServers() {
    return node.bootstrapServers();
  }

  /** The client port on 127.0.0.1. */
  public int port() {
    return node.ports().client();
  }

  /** Where the broker keeps its data (deleted on close if the broker created it). */
  public Path dataDir() {
    return node.dataDir();
  }

  /**
   * The cluster id written when the data dir was formatted; it survives restarts on the same dir.
   */
  public String clusterId() {
    return clusterId;
  }

  /** Its users and the admin, or {@code null} when the broker runs without security. */
  public BrokerSecurity security() {
    return security;
  }

  /** Shuts the broker down cleanly; deletes the data dir if the broker created it. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    node.stop();
    if (ownsDataDir) {
      KafkaStorage.deleteQuietly(node.dataDir());
    }
    log.info("Kafka broker on {} stopped", bootstrapServers());
  }

  @Override
  public String toString() {
    return "in-process Kafka " + AppInfoParser.getVersion() + " broker on " + bootstrapServers();
  }
}
