package io.lorastream.trainer.checkpoint;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the last committed checkpoint of every adapter of an input partition from the compacted
 * checkpoints topic (input partition p's checkpoints live in checkpoint partition p, written only
 * by p's owner).
 *
 * <p>A previous owner's last transaction may still be completing when its partition is handed over:
 * the group coordinator can release the committed offsets a moment before the commit marker lands
 * on the checkpoint partition. Reading only to the last stable offset then could miss the
 * checkpoint that goes with those offsets, so the reader first waits until no transaction is open
 * on the partition (last stable offset = high watermark); a crashed owner's open transaction is
 * aborted by the broker after {@code transaction-timeout}, or at once when it restarts under the
 * same instance id.
 *
 * <p>Anyone who can write the topic can put a record under an adapter's key, so every record is
 * checked as it is read: size, magic, version and MAC ({@link CheckpointCodec#authenticate}); only
 * authentic ones are kept (one per key, the newest), so junk cannot crowd them out of memory. When
 * an adapter's newest record is refused, its newest authentic one, if the topic still holds it
 * (compaction keeps the latest record per key only once it runs), is what it falls back to.
 */
public final class CheckpointStore implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);

  /** An adapter's newest record that was refused. */
  record Refusal(CheckpointRefused.Reason reason, String message) {}

  /**
   * What a partition's checkpoints gave.
   *
   * @param checkpoints per adapter, its newest authentic checkpoint that decodes
   * @param refused per key whose newest record was refused, why (its checkpoint in {@code
   *     checkpoints}, if any, is then an older one)
   */
  record Read(Map<String, AdapterCheckpoint> checkpoints, Map<String, Refusal> refused) {}

  private final Admin admin;
  private final KafkaConsumer<String, byte[]> reader;
  private final String topic;
  private final Duration maxWait;
  private final CheckpointMac mac;
  private final int maxRecordBytes;
  private final long maxJsonBytes;

  public CheckpointStore(
      Admin admin,
      KafkaConsumer<String, byte[]> reader,
      String topic,
      Duration maxWait,
      CheckpointMac mac,
      int maxRecordBytes,
      long maxJsonBytes) {
    this.admin = admin;
    this.reader = reader;
    this.topic = topic;
    this.maxWait = maxWait;
    this.mac = mac;
    this.maxRecordBytes = maxRecordBytes;
    this.maxJsonBytes = maxJsonBytes;
  }

  /**
   * The checkpoints of input partition {@code partition} of {@code inputTopic}, one per adapter,
   * and the refusals.
   */
  Read read(String inputTopic, int partition) {
    TopicPartition tp = new TopicPartition(topic, partition);
    long end = stableEnd(tp);
    reader.assign(List.of(tp));
    reader.seekToBeginning(List.of(tp));
    Map<String, ConsumerRecord<String, byte[]>> authentic = new HashMap<>();
    Map<String, Long> newest = new HashMap<>();
    Map<String, Refusal> refused = new TreeMap<>();
    long deadline = System.nanoTime() + maxWait.toNanos();
    try {
      while (reader.position(tp) < end) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "reading " + tp + " to offset " + end + " took longer than " + maxWait);
        }
        for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(200))) {
          if (r.offset() >= end) {
            continue;
          }
          String key = String.valueOf(r.key());
          newest.put(key, r.offset());
          try {
            if (r.value() != null && r.value().length > maxRecordBytes) {
              throw new CheckpointRefused(
                  CheckpointRefused.Reason.TOO_LARGE,
                  "checkpoint "
                      + tp
                      + "@"
                      + r.offset()
                      + " is "
                      + r.value().length
                      + " bytes, over max-record-bytes "
                      + maxRecordBytes);
            }
            CheckpointCodec.authenticate(r.value(), key, partition, mac, tp + "@" + r.offset());
            authentic.put(key, r);
            refused.remove(key);
          } catch (CheckpointRefused e) {
            refused.put(key, new Refusal(e.reason(), e.getMessage()));
          }
        }
      }
    } finally {
      reader.unsubscribe();
    }
    Map<String, AdapterCheckpoint> out = new TreeMap<>();
    for (ConsumerRecord<String, byte[]> r : authentic.values()) {
      String source = tp + "@" + r.offset();
      try {
        AdapterCheckpoint c =
            CheckpointCodec.decode(r.value(), r.key(), partition, mac, maxJsonBytes, source);
        if (c.inputTopic().equals(inputTopic)) {
          out.put(r.key(), c);
        } else {
          LOG.warn(
              "checkpoint {} of adapter {} was trained from topic {}, not {}; not resumed",
              source,
              r.key(),
              c.inputTopic(),
              inputTopic);
        }
      } catch (CheckpointRefused e) {
        if (newest.get(r.key()) == r.offset()) {
          refused.put(r.key(), new Refusal(e.reason(), e.getMessage()));
        } else {
          LOG.warn("older checkpoint {} is refused too: {}", source, e.getMessage());
        }
      }
    }
    LOG.info(
        "read {} checkpoint(s) of {}-{} from {} up to offset {}; {} adapter(s) whose newest record was refused",
        out.size(),
        inputTopic,
        partition,
        tp,
        end,
        refused.size());
    return new Read(out, refused);
  }

  /** Waits until no transaction is open on {@code tp}, then returns its end offset. */
  private long stableEnd(TopicPartition tp) {
    long deadline = System.nanoTime() + maxWait.toNanos();
    boolean logged = false;
    while (true) {
      long committed = end(tp, IsolationLevel.READ_COMMITTED);
      long all = end(tp, IsolationLevel.READ_UNCOMMITTED);
      if (committed >= all) {
        return committed;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            tp
                + " still has an open transaction after "
                + maxWait
                + " (stable offset "
                + committed
                + ", end "
                + all
                + "); another trainer may still own it, or the broker has not aborted a crashed one's transaction yet");
      }
      if (!logged) {
        LOG.info(
            "{} has an open transaction (stable offset {} < end {}); waiting for it to complete",
            tp,
            committed,
            all);
        logged = true;
      }
      sleep(200);
    }
  }

  private long end(TopicPartition tp, IsolationLevel level) {
    try {
      return admin
          .listOffsets(Map.of(tp, OffsetSpec.latest()), new ListOffsetsOptions(level))
          .partitionResult(tp)
          .get(30, TimeUnit.SECONDS)
          .offset();
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot read the end offset of " + tp + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("reading the end offset of " + tp + " timed out", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the end offset of " + tp, e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a transaction to complete", e);
    }
  }

  @Override
  public void close() {
    reader.close();
  }
}
