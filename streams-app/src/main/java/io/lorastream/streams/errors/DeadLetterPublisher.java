package io.lorastream.streams.errors;

import io.lorastream.schemas.DeadLetter;
import io.lorastream.schemas.DeadLetterReason;
import io.lorastream.schemas.TopicAdmin;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead letters from Kafka Streams' exception handlers, which run outside any processor and so
 * cannot forward into the task's transaction. They go through this idempotent producer of their
 * own: at least once, so a crash between the handler and the task's commit can repeat one. (Bad
 * input found by the topology itself is dead-lettered exactly once, inside the transaction; these
 * handlers only see what escaped it.)
 */
public final class DeadLetterPublisher implements AutoCloseable {
  /**
   * The Streams config key under which handlers find the publisher (an object value in the
   * properties).
   */
  public static final String CONFIG_KEY = "lorastream.dead.letter.publisher";

  private static final Logger log = LoggerFactory.getLogger(DeadLetterPublisher.class);

  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final Consumer<DeadLetterReason> counter;

  /**
   * @param clientSettings producer settings from the app's {@code kafka.*} (security, config
   *     providers), applied over the defaults here
   */
  public DeadLetterPublisher(
      String bootstrapServers,
      Map<String, String> clientSettings,
      String topic,
      Consumer<DeadLetterReason> counter) {
    Properties p = new Properties();
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicAdmin.EVENT_MAX_MESSAGE_BYTES);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "lorastream-streams-dead-letters");
    p.putAll(clientSettings);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    this.topic = topic;
    this.counter = counter;
  }

  public void publish(
      DeadLetter letter, long timestamp, byte[] key, byte[] value, Headers original) {
    counter.accept(letter.reason());
    producer.send(
        new ProducerRecord<>(
            topic, null, Math.max(0, timestamp), key, value, letter.toHeaders(original)),
        (meta, e) -> {
          if (e != null) {
            log.error(
                "could not dead-letter a record from {} offset {} ({}): {}",
                letter.sourceTopic(),
                letter.sourceOffset(),
                letter.reason().wireName(),
                e.toString());
          }
        });
  }

  /**
   * Finds the publisher a handler was configured with; null when none (e.g. under
   * TopologyTestDriver).
   */
  static DeadLetterPublisher from(Map<String, ?> configs) {
    Object o = configs.get(CONFIG_KEY);
    return o instanceof DeadLetterPublisher p ? p : null;
  }

  static String describe(Exception e) {
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  @Override
  public void close() {
    producer.close();
  }
}
