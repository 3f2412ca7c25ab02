package io.lorastream.server.adapters;

import io.lorastream.schemas.TopicAdmin;
import io.lorastream.server.config.TopicSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the two topics the server reads when they are missing, with the shared layout ({@link
 * TopicAdmin}): adapters (compacted, 64 MiB records) and adapter-pins (compacted). Existing topics
 * are left as they are.
 */
public final class ServerTopics {

  private static final Logger LOG = LoggerFactory.getLogger(ServerTopics.class);

  private ServerTopics() {}

  /**
   * @param clientProperties bootstrap servers and any client settings (security) the admin client
   *     needs
   * @throws IllegalStateException when Kafka cannot be reached or refuses
   */
  public static void ensure(
      Map<String, String> clientProperties, TopicSettings topics, Duration timeout) {
    Properties p = new Properties();
    p.putAll(clientProperties);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    try (Admin admin = Admin.create(p)) {
      TopicAdmin.EnsureResult result = TopicAdmin.ensure(admin, topics.specs(), timeout);
      if (!result.created().isEmpty()) {
        LOG.info("created topics {}", result.created());
      }
    } catch (KafkaException e) {
      throw new IllegalStateException(
          "cannot create topics "
              + topics.adapters()
              + " and "
              + topics.adapterPins()
              + ": "
              + e.getMessage(),
          e);
    }
  }
}
