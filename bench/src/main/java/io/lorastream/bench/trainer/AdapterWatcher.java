package io.lorastream.bench.trainer;

import io.lorastream.model.adapter.AdapterManifest;
import io.lorastream.model.adapter.AdapterVerification;
import io.lorastream.model.adapter.AdapterVerifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows the adapters topic as an embedding server would (read_committed, every record verified)
 * and notes when each version became visible: publication, as readers see it.
 */
public final class AdapterWatcher implements AutoCloseable {

  /** A verified version and the wall-clock time it was read. */
  public record Seen(AdapterManifest manifest, long seenAtMs) {}

  private final KafkaConsumer<String, byte[]> consumer;
  private final AdapterVerifier verifier;
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final List<String> refused = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;

  public AdapterWatcher(
      String bootstrap, String topic, AdapterVerifier verifier, int maxRecordBytes) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(maxRecordBytes));
    p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(maxRecordBytes));
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    this.consumer = new KafkaConsumer<>(p);
    this.verifier = verifier;
    List<TopicPartition> parts = new ArrayList<>();
    consumer.partitionsFor(topic).forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
    this.thread = new Thread(this::loop, "adapter-watcher");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (running) {
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
        long now = System.currentTimeMillis();
        AdapterVerification v = verifier.verify(r.key(), r.value());
        if (v instanceof AdapterVerification.Accepted a) {
          seen.add(new Seen(a.record().manifest(), now));
        } else if (v instanceof AdapterVerification.Refused x) {
          refused.add(x.detail());
        }
      }
    }
    consumer.close();
  }

  public List<Seen> seen() {
    return List.copyOf(seen);
  }

  public List<String> refused() {
    return List.copyOf(refused);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(10_000);
  }
}
