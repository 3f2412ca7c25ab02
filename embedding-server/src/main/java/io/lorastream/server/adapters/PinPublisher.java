package io.lorastream.server.adapters;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes pins and unpins to the compacted adapter-pins topic (key = adapter name, tombstone =
 * unpinned).
 */
public final class PinPublisher implements AutoCloseable {

  private final KafkaProducer<String, byte[]> producer;
  private final String topic;

  public PinPublisher(Map<String, String> clientProperties, String clientId, String topic) {
    Properties p = new Properties();
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    p.putAll(clientProperties);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    this.producer = new KafkaProducer<>(p);
    this.topic = topic;
  }

  /** Publishes a pin and waits for the broker's acknowledgement. */
  public RecordMetadata pin(PinRecord pin, long timeoutMillis)
      throws ExecutionException, TimeoutException, InterruptedException {
    return producer
        .send(new ProducerRecord<>(topic, pin.adapter(), pin.toJson()))
        .get(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  /** Publishes an unpin (a tombstone) and waits for the broker's acknowledgement. */
  public RecordMetadata unpin(String adapter, long timeoutMillis)
      throws ExecutionException, TimeoutException, InterruptedException {
    return producer
        .send(new ProducerRecord<>(topic, adapter, null))
        .get(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    producer.close();
  }
}
