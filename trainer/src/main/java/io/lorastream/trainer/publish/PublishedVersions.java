package io.lorastream.trainer.publish;

import io.lorastream.model.adapter.AdapterKey;
import io.lorastream.model.adapter.AdapterManifest;
import io.lorastream.model.adapter.AdapterVerification;
import io.lorastream.model.adapter.AdapterVerifier;
import io.lorastream.model.lora.AdapterWeights;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds an adapter's newest published version on the adapters topic, verified as a server verifies
 * it (signature with the public key of the trainer's own signing key, checksum, base model, shapes,
 * finite values): what an adapter without a usable checkpoint continues from, and what keeps its
 * version numbers going up. Records that do not verify are passed over, so junk under high version
 * numbers cannot stand in for a signed version.
 */
public final class PublishedVersions implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PublishedVersions.class);

  /** A verified version: its manifest and weights. */
  public record Version(AdapterManifest manifest, AdapterWeights weights) {
    public int version() {
      return manifest.version();
    }
  }

  private final KafkaConsumer<String, byte[]> reader;
  private final AdapterVerifier verifier;
  private final String topic;
  private final int partitions;
  private final Duration maxWait;

  public PublishedVersions(
      KafkaConsumer<String, byte[]> reader,
      AdapterVerifier verifier,
      String topic,
      int partitions,
      Duration maxWait) {
    this.reader = reader;
    this.verifier = verifier;
    this.topic = topic;
    this.partitions = partitions;
    this.maxWait = maxWait;
  }

  /** The newest version of {@code adapter} that verifies, or null when none does. */
  public Version newest(String adapter) {
    TopicPartition tp = new TopicPartition(topic, new AdapterKey(adapter, 1).partition(partitions));
    reader.assign(List.of(tp));
    try {
      reader.seekToBeginning(List.of(tp));
      Map<TopicPartition, Long> ends = reader.endOffsets(List.of(tp), maxWait);
      long end = ends.get(tp);
      long deadline = System.nanoTime() + maxWait.toNanos();
      Version best = null;
      int refused = 0;
      while (reader.position(tp, maxWait) < end) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "reading " + tp + " to offset " + end + " took longer than " + maxWait);
        }
        for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(200))) {
          AdapterKey key = parse(r.key());
          if (r.offset() >= end
              || r.value() == null
              || key == null
              || !key.adapter().equals(adapter)
              || (best != null && key.version() <= best.version())) {
            continue;
          }
          AdapterVerification v = verifier.verify(r.key(), r.value());
          if (v instanceof AdapterVerification.Accepted a) {
            best = new Version(a.record().manifest(), a.weights());
          } else if (v instanceof AdapterVerification.Refused no) {
            refused++;
            LOG.warn(
                "adapter record {}@{} does not verify, passed over: {}",
                tp,
                r.offset(),
                no.detail());
          }
        }
      }
      LOG.info(
          "newest verified version of adapter {} on {}: {} ({} record(s) refused)",
          adapter,
          tp,
          best == null ? "none" : best.manifest().key(),
          refused);
      return best;
    } finally {
      reader.unsubscribe();
    }
  }

  private static AdapterKey parse(String key) {
    try {
      return key == null ? null : AdapterKey.parse(key);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public void close() {
    reader.close();
  }
}
