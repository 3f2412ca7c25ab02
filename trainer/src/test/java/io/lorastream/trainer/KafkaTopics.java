package io.lorastream.trainer;

import io.lorastream.schemas.EventCodecs;
import io.lorastream.schemas.TextLimits;
import io.lorastream.schemas.TrainingPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Producing pairs and reading whole topics (read_committed) in integration tests. */
final class KafkaTopics {

  private KafkaTopics() {}

  /**
   * Produces pairs keyed by adapter, as the streams app does; returns when all are acknowledged.
   */
  static void produce(String bootstrap, String topic, List<TrainingPair> pairs) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    var serializer = EventCodecs.create(TextLimits.DEFAULTS).trainingPairs().serde().serializer();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
      for (TrainingPair pair : pairs) {
        producer.send(
            new ProducerRecord<>(topic, pair.adapter(), serializer.serialize(topic, pair)));
      }
      producer.flush();
    }
  }

  /**
   * Produces records as they are (raw bytes, explicit partitions); returns when all are
   * acknowledged.
   */
  @SafeVarargs
  static void send(String bootstrap, ProducerRecord<String, byte[]>... records) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
      for (ProducerRecord<String, byte[]> r : records) {
        producer.send(r);
      }
      producer.flush();
    }
  }

  /** Every committed record of {@code topic}, partition by partition, in offset order. */
  static List<ConsumerRecord<String, byte[]>> readAll(String bootstrap, String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(64 << 20));
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts =
          c.partitionsFor(topic).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      var end = c.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("reading " + topic + " took more than a minute");
        }
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    out.sort(
        java.util.Comparator.comparingInt((ConsumerRecord<String, byte[]> r) -> r.partition())
            .thenComparingLong(ConsumerRecord::offset));
    return out;
  }
}
