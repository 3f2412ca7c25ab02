package io.lorastream.kafka;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One KRaft node (broker and controller roles) running in this JVM, which can be stopped and
 * started again on the same data dir and ports. Not thread-safe: its owner starts and stops it.
 */
final class KafkaNode {

  private static final Logger log = LoggerFactory.getLogger(KafkaNode.class);

  static final String HOST = LoopbackPorts.HOST;
  static final String CONTROLLER_LISTENER = "CONTROLLER";

  /** The client listener of a secured node (SASL/SCRAM). */
  static final String CLIENT_LISTENER = "CLIENT";

  /** The inter-broker listener of a secured node (SASL PLAIN, the admin only). */
  static final String INTERNAL_LISTENER = "INTERNAL";

  private final int nodeId;
  private final NodePorts ports;
  private final Path dataDir;
  private final EmbeddedKafkaConfig config;
  private final String voters;
  private KafkaRaftServer server;

  KafkaNode(int nodeId, NodePorts ports, Path dataDir, EmbeddedKafkaConfig config, String voters) {
    this.nodeId = nodeId;
    this.ports = ports;
    this.dataDir = dataDir;
    this.config = config;
    this.voters = voters;
  }

  /**
   * {@code controller.quorum.voters} for these nodes: {@code id@127.0.0.1:controllerPort,...}, ids
   * from 1.
   */
  static String voters(List<NodePorts> nodes) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < nodes.size(); i++) {
      s.append(i == 0 ? "" : ",")
          .append(i + 1)
          .append('@')
          .append(HOST)
          .append(':')
          .append(nodes.get(i).controller());
    }
    return s.toString();
  }

  int nodeId() {
    return nodeId;
  }

  NodePorts ports() {
    return ports;
  }

  Path dataDir() {
    return dataDir;
  }

  String bootstrapServers() {
    return HOST + ":" + ports.client();
  }

  /**
   * Where the broker's own identity reaches it: the internal listener when secured, else the client
   * one.
   */
  String internalBootstrapServers() {
    return HOST + ":" + (config.security() != null ? ports.internal() : ports.client());
  }

  boolean running() {
    return server != null;
  }

  /** The broker settings of this node, as {@code kafka-storage format} and the server read them. */
  KafkaConfig kafkaConfig() {
    Properties p = new Properties();
    p.putAll(config.effectiveBrokerProperties());
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(nodeId));
    // Static voters (kraft.version 0): every node knows every controller's address from its config.
    p.put("controller.quorum.voters", voters);
    p.put("controller.listener.names", CONTROLLER_LISTENER);
    String controller = CONTROLLER_LISTENER + "://" + HOST + ":" + ports.controller();
    BrokerSecurity security = config.security();
    if (security == null) {
      String broker = "PLAINTEXT://" + HOST + ":" + ports.client();
      p.put("listeners", broker + "," + controller);
      p.put("advertised.listeners", broker);
      p.put(
          "listener.security.protocol.map",
          "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
      p.put("inter.broker.listener.name", "PLAINTEXT");
    } else {
      String client = CLIENT_LISTENER + "://" + HOST + ":" + ports.client();
      String internal = INTERNAL_LISTENER + "://" + HOST + ":" + ports.internal();
      p.put("listeners", client + "," + internal + "," + controller);
      p.put("advertised.listeners", client + "," + internal);
      p.put(
          "listener.security.protocol.map",
          CLIENT_LISTENER
              + ":SASL_PLAINTEXT,"
              + INTERNAL_LISTENER
              + ":SASL_PLAINTEXT,"
              + CONTROLLER_LISTENER
              + ":SASL_PLAINTEXT");
      p.put("inter.broker.listener.name", INTERNAL_LISTENER);
      p.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
      p.put("sasl.mechanism.controller.protocol", "PLAIN");
      String clientPrefix = "listener.name." + CLIENT_LISTENER.toLowerCase(Locale.ROOT) + ".";
      p.put(clientPrefix + "sasl.enabled.mechanisms", BrokerSecurity.CLIENT_MECHANISM);
      p.put(
          clientPrefix
              + BrokerSecurity.CLIENT_MECHANISM.toLowerCase(Locale.ROOT)
              + ".sasl.jaas.config",
          "org.apache.kafka.common.security.scram.ScramLoginModule required;");
      for (String listener : new String[] {INTERNAL_LISTENER, CONTROLLER_LISTENER}) {
        String prefix = "listener.name." + listener.toLowerCase(Locale.ROOT) + ".";
        p.put(prefix + "sasl.enabled.mechanisms", "PLAIN");
        p.put(prefix + "plain.sasl.jaas.config", security.internalJaas());
      }
      p.put("authorizer.class.name", BrokerSecurity.AUTHORIZER);
      p.put("super.users", "User:" + security.adminUser());
      p.put("allow.everyone.if.no.acl.found", "false");
    }
    p.put("log.dirs", dataDir.toAbsolutePath().toString());
    try {
      return KafkaConfig.fromProps(p, false);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "Kafka refused the broker settings: " + e.getMessage() + " (check brokerProperties)", e);
    }
  }

  /**
   * Formats the data dir if needed (with {@code clusterId}, or a new one when null) and returns the
   * cluster id.
   */
  String format(String clusterId) {
    return KafkaStorage.formatIfNeeded(kafkaConfig(), dataDir, nodeId, clusterId);
  }

  /** Starts the server; returns without waiting for it to serve. */
  void start() {
    if (server != null) {
      throw new IllegalStateException("node " + nodeId + " is running already");
    }
    KafkaRaftServer s = new KafkaRaftServer(kafkaConfig(), Time.SYSTEM);
    try {
      s.startup();
    } catch (RuntimeException e) {
      stop(s);
      throw e;
    }
    server = s;
  }

  /**
   * Stops the server (as configured: with or without controlled shutdown); does nothing if stopped.
   */
  void stop() {
    if (server != null) {
      KafkaRaftServer s = server;
      server = null;
      stop(s);
    }
  }

  private void stop(KafkaRaftServer s) {
    try {
      s.shutdown();
      s.awaitShutdown();
    } catch (RuntimeException e) {
      log.warn("Kafka node {} did not shut down cleanly: {}", nodeId, e.toString());
    }
  }

  /**
   * Settings a client needs for the broker's own identity: the admin on the internal listener, or
   * none.
   */
  Map<String, Object> internalClientSecurity() {
    BrokerSecurity security = config.security();
    if (security == null) {
      return Map.of();
    }
    return Map.of(
        "security.protocol",
        "SASL_PLAINTEXT",
        "sasl.mechanism",
        "PLAIN",
        "sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
            + security.adminUser()
            + "\" password=\""
            + security.adminPassword()
            + "\";");
  }
}
