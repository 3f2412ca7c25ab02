package io.lorastream.schemas;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates lorastream's topics when they are missing, replicated to survive a broker's loss where
 * the cluster allows; leaves existing ones alone and reports their partition counts.
 */
public final class TopicAdmin {

  private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);

  /**
   * Event-sized records: a document of up to a few hundred thousand chars, a pair carrying 1 + k of
   * them.
   */
  public static final int EVENT_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

  /**
   * Adapter versions and trainer checkpoints (weights, optimizer moments, replay buffer) run to
   * megabytes.
   */
  public static final int ARTIFACT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

  /** What {@link #ensure} did. */
  public record EnsureResult(List<String> created, Map<String, Integer> partitions) {}

  private TopicAdmin() {}

  /**
   * The standard layout: compacted documents, adapters, trainer-checkpoints and adapter-pins; 8 MiB
   * records on documents, training-pairs and the dead-letter topic (it receives copies of any
   * input); 64 MiB on adapters and trainer-checkpoints; every topic replicated as {@code
   * replication} says. Every topic gets the same partition count, which keeps search-events and
   * interactions co-partitioned.
   */
  public static List<TopicSpec> standardSpecs(
      TopicNames names, int partitions, TopicReplication replication) {
    short replicationFactor = replication.factor();
    Map<String, String> plain = replication.topicConfigs();
    Map<String, String> compact =
        merge(plain, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    Map<String, String> events =
        merge(
            plain,
            Map.of(
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(EVENT_MAX_MESSAGE_BYTES)));
    Map<String, String> compactEvents = merge(compact, events);
    Map<String, String> compactArtifacts =
        merge(
            compact,
            Map.of(
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                Integer.toString(ARTIFACT_MAX_MESSAGE_BYTES)));
    return List.of(
        new TopicSpec(names.documents(), partitions, replicationFactor, compactEvents),
        new TopicSpec(names.searchEvents(), partitions, replicationFactor, plain),
        new TopicSpec(names.interactions(), partitions, replicationFactor, plain),
        new TopicSpec(names.relevanceLabels(), partitions, replicationFactor, plain),
        new TopicSpec(names.trainingPairs(), partitions, replicationFactor, events),
        new TopicSpec(names.deadLetters(), partitions, replicationFactor, events),
        new TopicSpec(names.adapters(), partitions, replicationFactor, compactArtifacts),
        new TopicSpec(names.trainerCheckpoints(), partitions, replicationFactor, compactArtifacts),
        new TopicSpec(names.adapterPins(), partitions, replicationFactor, compact));
  }

  /**
   * {@link #standardSpecs(TopicNames, int, TopicReplication)} with one replica (benchmarks' own
   * brokers).
   */
  public static List<TopicSpec> standardSpecs(
      TopicNames names, int partitions, short replicationFactor) {
    return standardSpecs(names, partitions, new TopicReplication(replicationFactor, 1));
  }

  /**
   * {@link #ensure(Admin, Collection, Duration)} with a short-lived admin client on {@code
   * bootstrapServers}.
   */
  public static EnsureResult ensure(
      String bootstrapServers, Collection<TopicSpec> specs, Duration timeout) {
    return ensure(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), specs, timeout);
  }

  /**
   * {@link #ensure(Admin, Collection, Duration)} with a short-lived admin client of these
   * properties: the bootstrap servers and the client's security settings.
   */
  public static EnsureResult ensure(
      Map<String, ?> adminProperties, Collection<TopicSpec> specs, Duration timeout) {
    Properties props = new Properties();
    props.putAll(adminProperties);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    try (Admin admin = Admin.create(props)) {
      return ensure(admin, specs, timeout);
    }
  }

  /**
   * Creates each missing topic as specified, its replication capped at the cluster's broker count
   * ({@link TopicReplication#cappedTo}). Existing topics are not altered (their configs may have
   * been tuned on purpose); the result gives every topic's actual partition count so callers can
   * check co-partitioning. A topic this principal may not create (no CREATE ACL) is fine when it
   * exists already: the cluster's admin created it.
   */
  public static EnsureResult ensure(Admin admin, Collection<TopicSpec> specs, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    int brokers = brokerCount(admin, deadline);
    Map<String, TopicSpec> fitted = new LinkedHashMap<>();
    specs.forEach(s -> fitted.put(s.name(), fitTo(s, brokers)));
    List<NewTopic> wanted =
        fitted.values().stream()
            .map(
                s ->
                    new NewTopic(s.name(), s.partitions(), s.replicationFactor())
                        .configs(s.configs()))
            .toList();
    List<String> created = new ArrayList<>();
    List<String> notAllowed = new ArrayList<>();
    var results = admin.createTopics(wanted).values();
    for (var entry : results.entrySet()) {
      try {
        entry.getValue().get(remaining(deadline), TimeUnit.NANOSECONDS);
        created.add(entry.getKey());
        TopicSpec made = fitted.get(entry.getKey());
        if (made.replicationFactor() < requested(specs, made.name()).replicationFactor()) {
          log.warn(
              "created {} with {} replica(s) and min.insync.replicas {}, as the cluster has {} broker(s): fine for"
                  + " development, but it does not survive a broker's loss",
              made.name(),
              made.replicationFactor(),
              made.configs()
                  .getOrDefault(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "(broker default)"),
              brokers);
        }
      } catch (ExecutionException e) {
        if (e.getCause() instanceof TopicAuthorizationException) {
          notAllowed.add(entry.getKey());
        } else if (!(e.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException(
              "cannot create topic "
                  + entry.getKey()
                  + ": "
                  + e.getCause().getMessage()
                  + " (check the broker address, ACLs and the replication factor against the broker count)",
              e.getCause());
        }
      } catch (TimeoutException e) {
        throw new IllegalStateException(
            "creating topic "
                + entry.getKey()
                + " timed out after "
                + timeout
                + "; is the broker reachable?",
            e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while creating topics", e);
      }
    }
    if (!notAllowed.isEmpty()) {
      requireExisting(admin, notAllowed, deadline);
    }
    Map<String, Integer> partitions = new LinkedHashMap<>();
    Map<String, TopicDescription> described = describe(admin, specs, deadline);
    for (TopicSpec s : specs) {
      TopicDescription d = described.get(s.name());
      partitions.put(s.name(), d.partitions().size());
      int replicas = d.partitions().get(0).replicas().size();
      if (replicas < s.replicationFactor() && brokers >= s.replicationFactor()) {
        log.warn(
            "topic {} has {} replica(s), fewer than the {} configured: it does not survive a broker's loss;"
                + " add replicas with kafka-reassign-partitions",
            s.name(),
            replicas,
            s.replicationFactor());
      }
    }
    return new EnsureResult(List.copyOf(created), Map.copyOf(partitions));
  }

  private static TopicSpec requested(Collection<TopicSpec> specs, String name) {
    return specs.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  /**
   * The spec as a cluster of {@code brokers} can hold it (see {@link TopicReplication#cappedTo}).
   */
  static TopicSpec fitTo(TopicSpec spec, int brokers) {
    if (brokers < 1 || spec.replicationFactor() <= brokers) {
      return spec;
    }
    Map<String, String> configs = new LinkedHashMap<>(spec.configs());
    String minIsr = configs.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
    if (minIsr != null) {
      configs.put(
          TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
          Integer.toString(Math.max(1, Math.min(Integer.parseInt(minIsr), brokers - 1))));
    }
    return new TopicSpec(spec.name(), spec.partitions(), (short) brokers, configs);
  }

  /**
   * How many brokers the cluster has now, asked with a short-lived admin client of these
   * properties.
   */
  public static int brokerCount(Map<String, ?> adminProperties, Duration timeout) {
    Properties props = new Properties();
    props.putAll(adminProperties);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    try (Admin admin = Admin.create(props)) {
      return brokerCount(admin, System.nanoTime() + timeout.toNanos());
    }
  }

  private static int brokerCount(Admin admin, long deadline) {
    try {
      return admin.describeCluster().nodes().get(remaining(deadline), TimeUnit.NANOSECONDS).size();
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot reach Kafka to create topics: "
              + e.getCause().getMessage()
              + " (check bootstrap servers and the kafka. security settings)",
          e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka did not answer in time; is the broker reachable?", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while describing the cluster", e);
    }
  }

  /**
   * Topics this principal may not create must exist already; otherwise fail, saying who must create
   * them.
   */
  private static void requireExisting(Admin admin, List<String> topics, long deadline) {
    try {
      admin.describeTopics(topics).allTopicNames().get(remaining(deadline), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "topics "
              + topics
              + " do not exist (or are not visible) and this principal may not create them ("
              + e.getCause().getMessage()
              + "): have the cluster admin create them ('lorastream acls --apply"
              + " --create-topics' does) or grant this principal CREATE and DESCRIBE on them",
          e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("describing topics " + topics + " timed out", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while describing topics", e);
    }
  }

  /**
   * Describes the topics, retrying while the broker does not know one yet: a topic created a moment
   * ago can be missing from the metadata a describe reads.
   */
  private static Map<String, TopicDescription> describe(
      Admin admin, Collection<TopicSpec> specs, long deadline) {
    List<String> names = specs.stream().map(TopicSpec::name).collect(Collectors.toList());
    while (true) {
      try {
        return admin
            .describeTopics(names)
            .allTopicNames()
            .get(remaining(deadline), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || remaining(deadline) == 0) {
          throw new IllegalStateException(
              "cannot describe lorastream topics: " + e.getMessage(), e);
        }
      } catch (TimeoutException e) {
        throw new IllegalStateException("cannot describe lorastream topics: " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while describing topics", e);
      }
      try {
        Thread.sleep(Math.min(50, Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining(deadline)))));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while describing topics", e);
      }
    }
  }

  private static long remaining(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }

  private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
    Map<String, String> m = new LinkedHashMap<>(a);
    m.putAll(b);
    return Map.copyOf(m);
  }
}
