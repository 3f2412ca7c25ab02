package io.lorastream.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker running in this JVM: one KRaft node with the broker and controller
 * roles, listening on 127.0.0.1. {@link #start(EmbeddedKafkaConfig)} formats the storage the way
 * {@code kafka-storage.sh format} does (unless it is formatted already), starts the server and
 * returns once a client can reach it.
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

  private static final String HOST = LoopbackPorts.HOST;
  private static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

  /** Free ports are picked before Kafka binds them; another process may take one in between. */
  private static final int BIND_ATTEMPTS = 5;

  private final KafkaRaftServer server;
  private final int port;
  private final Path dataDir;
  private final boolean ownsDataDir;
  private final String clusterId;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedKafkaBroker(
      KafkaRaftServer server, int port, Path dataDir, boolean ownsDataDir, String clusterId) {
    this.server = server;
    this.port = port;
    this.dataDir = dataDir;
    this.ownsDataDir = ownsDataDir;
    this.clusterId = clusterId;
  }

  /** Starts a broker with {@link EmbeddedKafkaConfig#defaults()}: free port, temporary data. */
  public static EmbeddedKafkaBroker start() {
    return start(EmbeddedKafkaConfig.defaults());
  }

  /**
   * Starts a broker and waits until it serves clients.
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
        int port = config.port() != 0 ? config.port() : LoopbackPorts.free();
        KafkaConfig kafkaConfig = kafkaConfig(config, dataDir, port, LoopbackPorts.free());
        if (clusterId == null) {
          clusterId = KafkaStorage.formatIfNeeded(kafkaConfig, dataDir, NODE_ID);
        }
        KafkaRaftServer server = new KafkaRaftServer(kafkaConfig, Time.SYSTEM);
        try {
          server.startup();
          awaitServing(HOST + ":" + port);
        } catch (RuntimeException e) {
          stop(server);
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
            new EmbeddedKafkaBroker(server, port, dataDir, ownsDataDir, clusterId);
        log.info(
            "Kafka {} (KRaft, in-process) serving on {} after {} ms; data in {}{}",
            AppInfoParser.getVersion(),
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
    return HOST + ":" + port;
  }

  /** The client port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** Where the broker keeps its data (deleted on close if the broker created it). */
  public Path dataDir() {
    return dataDir;
  }

  /**
   * The cluster id written when the data dir was formatted; it survives restarts on the same dir.
   */
  public String clusterId() {
    return clusterId;
  }

  /** Shuts the broker down cleanly; deletes the data dir if the broker created it. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    stop(server);
    if (ownsDataDir) {
      KafkaStorage.deleteQuietly(dataDir);
    }
    log.info("Kafka broker on {} stopped", bootstrapServers());
  }

  @Override
  public String toString() {
    return "in-process Kafka " + AppInfoParser.getVersion() + " broker on " + bootstrapServers();
  }

  private static KafkaConfig kafkaConfig(
      EmbeddedKafkaConfig config, Path dataDir, int port, int controllerPort) {
    Properties p = new Properties();
    p.putAll(config.effectiveBrokerProperties());
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(NODE_ID));
    // Static voters (kraft.version 0) record no controller address in the metadata log, so a
    // restart on the same data dir may pick a different controller port.
    p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
    p.put("controller.listener.names", CONTROLLER_LISTENER);
    String broker = "PLAINTEXT://" + HOST + ":" + port;
    p.put("listeners", broker + "," + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
    p.put("advertised.listeners", broker);
    p.put(
        "listener.security.protocol.map",
        "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", dataDir.toAbsolutePath().toString());
    try {
      return KafkaConfig.fromProps(p, false);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "Kafka refused the broker settings: " + e.getMessage() + " (check brokerProperties)", e);
    }
  }

  private static void awaitServing(String bootstrap) {
    Map<String, Object> props =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
            5_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            (int) STARTUP_TIMEOUT.toMillis());
    try (Admin admin = Admin.create(props)) {
      boolean registered =
          admin
              .describeCluster()
              .nodes()
              .get(STARTUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
              .stream()
              .anyMatch(n -> n.id() == NODE_ID);
      if (!registered) {
        throw new IllegalStateException("Kafka on " + bootstrap + " does not list its own broker");
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "Kafka on " + bootstrap + " does not answer: " + e.getCause(), e);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "Kafka on " + bootstrap + " did not serve within " + STARTUP_TIMEOUT.toSeconds() + " s",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for Kafka on " + bootstrap, e);
    }
  }

  private static void stop(KafkaRaftServer server) {
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      log.warn("Kafka did not shut down cleanly: {}", e.toString());
    }
  }
}
