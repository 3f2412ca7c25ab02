package io.lorastream.trainer;

import io.lorastream.schemas.TopicAdmin;
import io.lorastream.schemas.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The trainer's topics: training-pairs (input), adapters and trainer-checkpoints (output,
 * compacted, records as large as {@code max-record-bytes}, segments rolled every 10 minutes so
 * compaction keeps the checkpoint history short), and the dead-letter topic the streams app shares
 * (refused pairs). Created when missing; existing topics are described, never altered.
 *
 * @param inputPartitions partitions of training-pairs
 * @param adapterPartitions partitions of adapters
 * @param checkpointPartitions partitions of trainer-checkpoints (at least the input's: partition
 *     p's checkpoints go to partition p)
 * @param adapterMaxBytes the largest record the adapters topic and the producer accept
 * @param checkpointMaxBytes the largest record the checkpoints topic and the producer accept
 * @param deadLetterMaxBytes the largest record the dead-letter topic and the producer accept
 */
public record TrainerTopics(
    int inputPartitions,
    int adapterPartitions,
    int checkpointPartitions,
    int adapterMaxBytes,
    int checkpointMaxBytes,
    int deadLetterMaxBytes) {

  static final String SEGMENT_MS = Long.toString(Duration.ofMinutes(10).toMillis());

  /** The specs of the topics the trainer creates when missing. */
  public static List<TopicSpec> specs(TrainerSettings s) {
    List<TopicSpec> out = new ArrayList<>();
    for (TopicSpec spec : TopicAdmin.standardSpecs(s.topics(), s.partitions(), s.replication())) {
      if (spec.name().equals(s.topics().trainingPairs())
          || spec.name().equals(s.topics().deadLetters())) {
        out.add(spec);
      }
    }
    Map<String, String> artifacts = new java.util.HashMap<>(s.replication().topicConfigs());
    artifacts.putAll(
        Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG,
            TopicConfig.CLEANUP_POLICY_COMPACT,
            TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
            Integer.toString(s.maxRecordBytes()),
            TopicConfig.SEGMENT_MS_CONFIG,
            SEGMENT_MS,
            TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG,
            "0.1"));
    out.add(new TopicSpec(s.topics().adapters(), s.partitions(), s.replicationFactor(), artifacts));
    out.add(
        new TopicSpec(
            s.topics().trainerCheckpoints(), s.partitions(), s.replicationFactor(), artifacts));
    return out;
  }

  /** The smaller of the topic's max.message.bytes and the producer's limit. */
  private static int limit(Map<ConfigResource, Config> configs, String topic, int producerLimit) {
    Config c = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic));
    var entry = c == null ? null : c.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
    return entry == null || entry.value() == null
        ? producerLimit
        : Math.min(producerLimit, Integer.parseInt(entry.value()));
  }

  /**
   * {@link TopicAdmin#ensure}, retried while a topic just created is not yet known to the broker
   * that answers the describe (metadata propagates asynchronously after creation).
   */
  public static void ensure(Admin admin, List<TopicSpec> specs, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        TopicAdmin.ensure(admin, specs, timeout);
        return;
      } catch (IllegalStateException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || System.nanoTime() > deadline) {
          throw e;
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** {@link #ensure(Admin, List, Duration)} with a short-lived admin client. */
  public static void ensure(String bootstrap, List<TopicSpec> specs, Duration timeout) {
    java.util.Properties p = new java.util.Properties();
    p.put(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(p)) {
      ensure(admin, specs, timeout);
    }
  }

  /** Creates what is missing (if allowed), then checks partition counts and record limits. */
  static TrainerTopics prepare(Admin admin, TrainerSettings s, Duration timeout) {
    if (s.createTopics()) {
      ensure(admin, specs(s), timeout);
    }
    String in = s.topics().trainingPairs();
    String adapters = s.topics().adapters();
    String checkpoints = s.topics().trainerCheckpoints();
    String deadLetters = s.topics().deadLetters();
    try {
      Map<String, TopicDescription> d =
          admin
              .describeTopics(List.of(in, adapters, checkpoints, deadLetters))
              .allTopicNames()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      Map<ConfigResource, Config> configs =
          admin
              .describeConfigs(
                  List.of(
                      new ConfigResource(ConfigResource.Type.TOPIC, adapters),
                      new ConfigResource(ConfigResource.Type.TOPIC, checkpoints),
                      new ConfigResource(ConfigResource.Type.TOPIC, deadLetters)))
              .all()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      TrainerTopics t =
          new TrainerTopics(
              d.get(in).partitions().size(),
              d.get(adapters).partitions().size(),
              d.get(checkpoints).partitions().size(),
              limit(configs, adapters, s.maxRecordBytes()),
              limit(configs, checkpoints, s.maxRecordBytes()),
              limit(configs, deadLetters, s.maxRecordBytes()));
      if (t.checkpointPartitions < t.inputPartitions) {
        throw new IllegalStateException(
            "topic "
                + checkpoints
                + " has "
                + t.checkpointPartitions
                + " partitions but "
                + in
                + " has "
                + t.inputPartitions
                + ": the checkpoints of input partition p go to checkpoint partition p, so give "
                + checkpoints
                + " at least as many partitions (kafka-topics --alter --partitions "
                + t.inputPartitions
                + ")");
      }
      return t;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        throw new IllegalStateException(
            "a trainer topic is missing ("
                + e.getCause().getMessage()
                + "): create "
                + in
                + ", "
                + adapters
                + ", "
                + checkpoints
                + " and "
                + deadLetters
                + ", or set create-topics true",
            e.getCause());
      }
      throw new IllegalStateException(
          "cannot describe the trainer topics: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "describing the trainer topics timed out after "
              + timeout
              + "; is the broker at "
              + s.bootstrap()
              + " reachable?",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while describing the trainer topics", e);
    }
  }
}
