package io.lorastream.server.adapters;

import io.lorastream.server.config.TopicSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the two topics the server reads when they are missing: adapters (compacted, records up to 64 MiB)
 * and adapter-pins (compacted). Existing topics are left as they are.
 */
public final class ServerTopics {

  /** Adapter versions run to megabytes for large ranks and many targets. */
  public static final int ADAPTER_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(ServerTopics.class);

  private ServerTopics() {}

  public static void ensure(Map<String, String> clientProperties, TopicSettings topics, Duration timeout) {
    Properties p = new Properties();
    p.putAll(clientProperties);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    try (Admin admin = Admin.create(p)) {
      Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      Map<String, String> compact = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
      Map<String, String> compactLarge =
          Map.of(
              TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
              TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(ADAPTER_MAX_MESSAGE_BYTES));
      for (NewTopic t :
          List.of(
              new NewTopic(topics.adapters(), topics.partitions(), topics.replicationFactor()).configs(compactLarge),
              new NewTopic(topics.adapterPins(), topics.partitions(), topics.replicationFactor()).configs(compact))) {
        if (existing.contains(t.name())) {
          continue;
        }
        try {
          admin.createTopics(List.of(t)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
          LOG.info("created topic {} ({} partitions, {})", t.name(), t.numPartitions(), t.configs());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create topic " + t.name() + ": " + e.getCause().getMessage(), e);
          }
        }
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot reach Kafka at " + clientProperties.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG) + " to check the"
              + " topics " + topics.adapters() + " and " + topics.adapterPins() + " within " + timeout + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }
}
