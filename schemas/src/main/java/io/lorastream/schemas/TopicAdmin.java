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
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Creates lorastream's topics when they are missing; leaves existing ones alone and reports their partition counts. */
public final class TopicAdmin {

  /** Event-sized records: a document of up to a few hundred thousand chars, a pair carrying 1 + k of them. */
  public static final int EVENT_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

  /** Adapter versions and trainer checkpoints (weights, optimizer moments, replay buffer) run to megabytes. */
  public static final int ARTIFACT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

  /** What {@link #ensure} did. */
  public record EnsureResult(List<String> created, Map<String, Integer> partitions) {}

  private TopicAdmin() {}

  /**
   * The standard layout: compacted documents, adapters, trainer-checkpoints and adapter-pins; 8 MiB records on
   * documents, training-pairs and the dead-letter topic (it receives copies of any input); 64 MiB on adapters and
   * trainer-checkpoints. Every topic gets the same partition count, which keeps search-events and interactions
   * co-partitioned.
   */
  public static List<TopicSpec> standardSpecs(TopicNames names, int partitions, short replicationFactor) {
    Map<String, String> compact = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    Map<String, String> events = Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(EVENT_MAX_MESSAGE_BYTES));
    Map<String, String> compactEvents = merge(compact, events);
    Map<String, String> compactArtifacts =
        merge(compact, Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(ARTIFACT_MAX_MESSAGE_BYTES)));
    return List.of(
        new TopicSpec(names.documents(), partitions, replicationFactor, compactEvents),
        new TopicSpec(names.searchEvents(), partitions, replicationFactor, Map.of()),
        new TopicSpec(names.interactions(), partitions, replicationFactor, Map.of()),
        new TopicSpec(names.relevanceLabels(), partitions, replicationFactor, Map.of()),
        new TopicSpec(names.trainingPairs(), partitions, replicationFactor, events),
        new TopicSpec(names.deadLetters(), partitions, replicationFactor, events),
        new TopicSpec(names.adapters(), partitions, replicationFactor, compactArtifacts),
        new TopicSpec(names.trainerCheckpoints(), partitions, replicationFactor, compactArtifacts),
        new TopicSpec(names.adapterPins(), partitions, replicationFactor, compact));
  }

  /** {@link #ensure(Admin, Collection, Duration)} with a short-lived admin client on {@code bootstrapServers}. */
  public static EnsureResult ensure(String bootstrapServers, Collection<TopicSpec> specs, Duration timeout) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    try (Admin admin = Admin.create(props)) {
      return ensure(admin, specs, timeout);
    }
  }

  /**
   * Creates each missing topic as specified. Existing topics are not altered (their configs may have been tuned on
   * purpose); the result gives every topic's actual partition count so callers can check co-partitioning.
   */
  public static EnsureResult ensure(Admin admin, Collection<TopicSpec> specs, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<NewTopic> wanted =
        specs.stream()
            .map(s -> new NewTopic(s.name(), s.partitions(), s.replicationFactor()).configs(s.configs()))
            .toList();
    List<String> created = new ArrayList<>();
    var results = admin.createTopics(wanted).values();
    for (var entry : results.entrySet()) {
      try {
        entry.getValue().get(remaining(deadline), TimeUnit.NANOSECONDS);
        created.add(entry.getKey());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException(
              "cannot create topic " + entry.getKey() + ": " + e.getCause().getMessage()
                  + " (check the broker address, ACLs and the replication factor against the broker count)",
              e.getCause());
        }
      } catch (TimeoutException e) {
        throw new IllegalStateException(
            "creating topic " + entry.getKey() + " timed out after " + timeout + "; is the broker reachable?", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while creating topics", e);
      }
    }
    Map<String, Integer> partitions = new LinkedHashMap<>();
    Map<String, TopicDescription> described = describe(admin, specs, deadline);
    specs.forEach(s -> partitions.put(s.name(), described.get(s.name()).partitions().size()));
    return new EnsureResult(List.copyOf(created), Map.copyOf(partitions));
  }

  /**
   * Describes the topics, retrying while the broker does not know one yet: a topic created a moment ago can be
   * missing from the metadata a describe reads.
   */
  private static Map<String, TopicDescription> describe(Admin admin, Collection<TopicSpec> specs, long deadline) {
    List<String> names = specs.stream().map(TopicSpec::name).collect(Collectors.toList());
    while (true) {
      try {
        return admin.describeTopics(names).allTopicNames().get(remaining(deadline), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || remaining(deadline) == 0) {
          throw new IllegalStateException("cannot describe lorastream topics: " + e.getMessage(), e);
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
