package io.lorastream.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.utils.AppInfoParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka cluster of several KRaft nodes in this JVM, each with the broker and controller roles,
 * for tests of what a broker's loss does: {@link #kill(int)} stops a node the way a crash would (no
 * controlled shutdown: its partitions keep it as leader until the controller fences it, once its
 * broker session times out), {@link #restart(int)} brings it back on its data dir and ports.
 *
 * <p>Every node gets {@link EmbeddedKafkaConfig#clusterBrokerProperties(int)} under the config's
 * own {@code brokerProperties}; the config's {@code port} must be 0 (each node takes free ports,
 * kept across restarts) and its {@code dataDir}, when given, holds one {@code node-<id>} directory
 * per node.
 */
public final class EmbeddedKafkaCluster implements KafkaCluster {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaCluster.class);
  private static final int BIND_ATTEMPTS = 5;

  private final List<KafkaNode> nodes;
  private final Path root;
  private final boolean ownsRoot;
  private final String clusterId;
  private final BrokerSecurity security;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedKafkaCluster(
      List<KafkaNode> nodes,
      Path root,
      boolean ownsRoot,
      String clusterId,
      BrokerSecurity security) {
    this.nodes = nodes;
    this.root = root;
    this.ownsRoot = ownsRoot;
    this.clusterId = clusterId;
    this.security = security;
  }

  /**
   * Starts {@code size} nodes and waits until every one serves as a broker.
   *
   * @throws IllegalArgumentException for a size below 1 or a fixed port
   * @throws IllegalStateException if the cluster does not start within a minute
   */
  public static EmbeddedKafkaCluster start(int size, EmbeddedKafkaConfig config) {
    if (size < 1 || size > 9) {
      throw new IllegalArgumentException("a cluster has 1 to 9 nodes, got " + size);
    }
    if (config.port() != 0) {
      throw new IllegalArgumentException(
          "the nodes of a cluster take free ports: leave port at 0, got " + config.port());
    }
    Map<String, String> props =
        new LinkedHashMap<>(EmbeddedKafkaConfig.clusterBrokerProperties(size));
    props.putAll(config.brokerProperties());
    EmbeddedKafkaConfig nodeConfig = config.withBrokerProperties(props);
    long startNanos = System.nanoTime();
    boolean ownsRoot = config.dataDir() == null;
    Path root = ownsRoot ? KafkaStorage.createTemporary() : config.dataDir().toAbsolutePath();
    try {
      for (int attempt = 1; ; attempt++) {
        List<NodePorts> ports = new ArrayList<>();
        for (int i = 0; i < size; i++) {
          ports.add(NodePorts.pick(0, config.security() != null));
        }
        String voters = KafkaNode.voters(ports);
        List<KafkaNode> nodes = new ArrayList<>();
        String clusterId = null;
        for (int i = 0; i < size; i++) {
          Path dir = KafkaStorage.prepare(root.resolve("node-" + (i + 1)));
          KafkaNode node = new KafkaNode(i + 1, ports.get(i), dir, nodeConfig, voters);
          clusterId = node.format(clusterId);
          nodes.add(node);
        }
        try {
          // A controller quorum needs a majority of its voters before any node finishes starting.
          startAll(nodes);
          KafkaNode first = nodes.get(0);
          NodeAdmin.awaitBrokers(
              bootstrap(nodes, KafkaNode::internalBootstrapServers),
              first.internalClientSecurity(),
              nodes.stream().map(KafkaNode::nodeId).collect(Collectors.toSet()));
          if (config.security() != null) {
            NodeAdmin.createScramUsers(
                bootstrap(nodes, KafkaNode::internalBootstrapServers),
                first.internalClientSecurity(),
                bootstrap(nodes, KafkaNode::bootstrapServers),
                config.security());
          }
        } catch (RuntimeException e) {
          nodes.forEach(KafkaNode::stop);
          if (LoopbackPorts.isBindFailure(e) && attempt < BIND_ATTEMPTS) {
            log.info("A port picked for Kafka was taken meanwhile ({}); retrying", e.getMessage());
            continue;
          }
          throw new IllegalStateException(
              "The embedded Kafka cluster failed to start in " + root + ": " + e.getMessage(), e);
        }
        EmbeddedKafkaCluster cluster =
            new EmbeddedKafkaCluster(nodes, root, ownsRoot, clusterId, config.security());
        log.info(
            "Kafka {} cluster of {} KRaft nodes (in-process{}) serving on {} after {} ms; data in {}",
            AppInfoParser.getVersion(),
            size,
            config.security() == null ? "" : ", SASL/SCRAM and ACLs",
            cluster.bootstrapServers(),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
            root);
        return cluster;
      }
    } catch (RuntimeException e) {
      if (ownsRoot) {
        KafkaStorage.deleteQuietly(root);
      }
      throw e;
    }
  }

  /** Every node's client address: clients reach the cluster through any node that is up. */
  @Override
  public String bootstrapServers() {
    return bootstrap(nodes, KafkaNode::bootstrapServers);
  }

  /** The node ids, 1 to size. */
  public List<Integer> nodeIds() {
    return nodes.stream().map(KafkaNode::nodeId).toList();
  }

  /** The nodes running now. */
  public Set<Integer> runningNodes() {
    return nodes.stream()
        .filter(KafkaNode::running)
        .map(KafkaNode::nodeId)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The cluster id all nodes were formatted with. */
  public String clusterId() {
    return clusterId;
  }

  /** The users and the admin, or {@code null} when the cluster runs without security. */
  public BrokerSecurity security() {
    return security;
  }

  /** The leader of a partition as the cluster sees it now, -1 when it has none. */
  public int leaderOf(String topic, int partition) {
    TopicPartitionInfo p = describe(topic).partitions().get(partition);
    Node leader = p.leader();
    return leader == null || leader.isEmpty() ? -1 : leader.id();
  }

  /** The in-sync replicas of a partition as the cluster sees them now. */
  public Set<Integer> inSyncReplicas(String topic, int partition) {
    return describe(topic).partitions().get(partition).isr().stream()
        .map(Node::id)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * Stops a node without a controlled shutdown, as a crash would: its sockets close at once, and
   * the controllers fence it when its broker session times out ({@code broker.session.timeout.ms},
   * 9 s by default), electing new leaders for its partitions from their in-sync replicas.
   */
  public void kill(int nodeId) {
    KafkaNode node = node(nodeId);
    if (!node.running()) {
      throw new IllegalStateException("node " + nodeId + " is not running");
    }
    node.stop();
    log.info("Kafka node {} killed", nodeId);
  }

  /**
   * Starts a killed node again on its data dir and ports, and waits until it serves as a broker.
   */
  public void restart(int nodeId) {
    KafkaNode node = node(nodeId);
    node.start();
    NodeAdmin.awaitBrokers(
        node.internalBootstrapServers(), node.internalClientSecurity(), Set.of(nodeId));
    log.info("Kafka node {} restarted", nodeId);
  }

  /** Stops every node; deletes the data if the cluster created it. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List<KafkaNode> reversed = new ArrayList<>(nodes);
    Collections.reverse(reversed);
    reversed.forEach(KafkaNode::stop);
    if (ownsRoot) {
      KafkaStorage.deleteQuietly(root);
    }
    log.info("Kafka cluster on {} stopped", bootstrapServers());
  }

  @Override
  public String toString() {
    return "in-process Kafka "
        + AppInfoParser.getVersion()
        + " cluster of "
        + nodes.size()
        + " nodes on "
        + bootstrapServers();
  }

  private KafkaNode node(int nodeId) {
    if (nodeId < 1 || nodeId > nodes.size()) {
      throw new IllegalArgumentException("no node " + nodeId + "; the nodes are " + nodeIds());
    }
    return nodes.get(nodeId - 1);
  }

  private TopicDescription describe(String topic) {
    Map<String, Object> p = new LinkedHashMap<>();
    KafkaNode any =
        nodes.stream()
            .filter(KafkaNode::running)
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no node is running"));
    p.putAll(any.internalClientSecurity());
    p.put(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        bootstrap(runningNodes(), KafkaNode::internalBootstrapServers));
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Duration.ofSeconds(30).toMillis());
    try (Admin admin = Admin.create(p)) {
      return admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get(30, TimeUnit.SECONDS)
          .get(topic);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot describe " + topic + ": " + (e.getCause() == null ? e : e.getCause()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while describing " + topic, e);
    }
  }

  private String bootstrap(Set<Integer> ids, Function<KafkaNode, String> address) {
    return bootstrap(ids.stream().map(this::node).toList(), address);
  }

  private static String bootstrap(List<KafkaNode> nodes, Function<KafkaNode, String> address) {
    return nodes.stream().map(address).collect(Collectors.joining(","));
  }

  /**
   * Starts the nodes in parallel: each one's start blocks until the controller quorum has a leader,
   * which needs a majority of the nodes up.
   */
  private static void startAll(List<KafkaNode> nodes) {
    List<Thread> threads = new ArrayList<>();
    List<RuntimeException> failures = Collections.synchronizedList(new ArrayList<>());
    for (KafkaNode node : nodes) {
      Thread t =
          new Thread(
              () -> {
                try {
                  node.start();
                } catch (RuntimeException e) {
                  failures.add(e);
                }
              },
              "kafka-node-" + node.nodeId() + "-start");
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting the Kafka nodes", e);
      }
    }
    if (!failures.isEmpty()) {
      RuntimeException first = failures.get(0);
      failures.stream().skip(1).forEach(first::addSuppressed);
      throw first;
    }
  }
}
