package io.lorastream.trainer;

import io.lorastream.schemas.KafkaClientProperties;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The trainer's Kafka client settings: exactly-once consumption and publication, records up to
 * max-record-bytes.
 */
final class KafkaProps {

  private KafkaProps() {}

  /**
   * The group consumer of training-pairs: read_committed, offsets committed only through
   * transactions.
   */
  static Properties consumer(TrainerSettings s) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrap());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, s.groupId());
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, s.instanceId() + "-pairs");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(s.maxRecordBytes()));
    p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(s.maxRecordBytes()));
    // a step, and in 'both' mode a gate run, can take minutes on a CPU; the poll loop trains in
    // between
    p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "900000");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    apply(p, s.kafka(), ConsumerConfig.configNames());
    return p;
  }

  /** A group-less reader of the checkpoints topic: read_committed, large records. */
  static Properties checkpointReader(TrainerSettings s) {
    Properties p = consumer(s);
    p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    p.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, s.instanceId() + "-checkpoints");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "50");
    return p;
  }

  /**
   * A group-less reader of the adapters topic (an adapter's newest published version):
   * read_committed, large records.
   */
  static Properties adapterReader(TrainerSettings s) {
    Properties p = checkpointReader(s);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, s.instanceId() + "-adapters");
    return p;
  }

  /** A group-less reader of the documents topic, from its start. */
  static Properties documentReader(TrainerSettings s) {
    Properties p = checkpointReader(s);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, s.instanceId() + "-documents");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
    return p;
  }

  /**
   * The transactional producer: adapters, checkpoints, dead letters and offsets in one transaction.
   */
  static Properties producer(TrainerSettings s, int maxRecordBytes) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrap());
    p.put(ProducerConfig.CLIENT_ID_CONFIG, s.instanceId());
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, s.instanceId());
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(maxRecordBytes));
    // one record may be as large as a request: the buffer must hold it, and a few more
    p.put(
        ProducerConfig.BUFFER_MEMORY_CONFIG,
        Long.toString(Math.max(32L << 20, 4L * maxRecordBytes)));
    p.put(
        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
        Long.toString(s.transactionTimeout().toMillis()));
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    apply(p, s.kafka(), ProducerConfig.configNames());
    return p;
  }

  static Properties admin(TrainerSettings s) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrap());
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, s.instanceId() + "-admin");
    apply(p, s.kafka(), AdminClientConfig.configNames());
    return p;
  }

  /**
   * Fails on a {@code kafka.*} key no Kafka client knows (a typo would otherwise be ignored);
   * Kafka's config providers ({@code config.providers*}) are known to every client.
   */
  static void requireKnown(Map<String, String> overrides) {
    for (String k : overrides.keySet()) {
      if (!ConsumerConfig.configNames().contains(k)
          && !ProducerConfig.configNames().contains(k)
          && !AdminClientConfig.configNames().contains(k)
          && !KafkaClientProperties.isConfigProvider(k)) {
        throw new IllegalArgumentException(
            "kafka." + k + " is not a Kafka consumer, producer or admin client setting");
      }
    }
  }

  /**
   * Applies the {@code kafka.*} overrides a client knows (each client ignores the others'
   * settings), config providers included: security settings and the secrets they read reach every
   * client, the checkpoint reader and admin too.
   */
  private static void apply(
      Properties p, Map<String, String> overrides, java.util.Set<String> known) {
    p.putAll(KafkaClientProperties.forClient(overrides, known, null));
  }
}
