package io.lorastream.cli.demo;

import io.lorastream.model.adapter.AdapterFolder;
import io.lorastream.model.adapter.AdapterKey;
import io.lorastream.model.adapter.AdapterKeys;
import io.lorastream.model.adapter.AdapterVerification;
import io.lorastream.model.adapter.AdapterVerifier;
import io.lorastream.model.weights.BaseModel;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Writes a served adapter version as a PEFT folder: its record is read back from the adapters topic
 * and verified (signature, hashes, base model, shapes) exactly as the server verified it, so the
 * folder holds what was served.
 */
final class FinalAdapter {

  private FinalAdapter() {}

  /**
   * @param key the version to write, e.g. {@code scifact@000007}
   * @return the folder, {@code dir}
   */
  static Path save(
      String bootstrap,
      Map<String, String> security,
      String adaptersTopic,
      Path publicKey,
      BaseModel base,
      AdapterKey key,
      Path dir)
      throws IOException {
    byte[] value = read(bootstrap, security, adaptersTopic, key.toString());
    if (value == null) {
      throw new IOException(
          "version " + key + " is not on " + adaptersTopic + " any more (tombstoned?)");
    }
    AdapterVerifier verifier =
        new AdapterVerifier(AdapterKeys.readPublicKey(publicKey), base.id(), base.config());
    AdapterVerification v = verifier.verify(key.toString(), value);
    if (!(v instanceof AdapterVerification.Accepted accepted)) {
      throw new IOException("version " + key + " did not verify: " + v);
    }
    AdapterFolder.save(
        dir,
        accepted.record().files(),
        base.id(),
        base.config(),
        accepted.record().manifest().adaptationMode());
    return dir;
  }

  /** The newest committed value of {@code key}, reading every partition to its end. */
  private static byte[] read(
      String bootstrap, Map<String, String> security, String topic, String key) {
    Properties p = new Properties();
    p.putAll(security);
    // assigned partitions and no group: a reader of adapters needs no group ACL
    p.putAll(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            "false",
            ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
            Integer.toString(64 << 20),
            ConsumerConfig.FETCH_MAX_BYTES_CONFIG,
            Integer.toString(64 << 20)));
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      byte[] found = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (key.equals(r.key())) {
            found = r.value();
          }
        }
      }
      return found;
    }
  }
}
