package io.lorastream.trainer.pairs;

import io.lorastream.schemas.DeadLetter;
import io.lorastream.schemas.DeadLetterReason;
import io.lorastream.trainer.TrainerMetrics;
import io.lorastream.trainer.publish.AdapterPublisher;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumed records the trainer refuses, waiting for the next transaction: each becomes a record of
 * the dead-letter topic with the original key, value, timestamp and headers and the reason and
 * source in the {@link DeadLetter} headers, the same format the streams app writes. Sent in the
 * transaction that commits the refused record's offset, so a crash neither loses nor repeats one. A
 * value that would not fit the dead-letter topic is left out (the headers still name its topic,
 * partition and offset). Not thread-safe.
 */
public final class TrainerDeadLetters {

  private static final Logger LOG = LoggerFactory.getLogger(TrainerDeadLetters.class);

  /** A commit is due when this many dead letters, or {@link #FLUSH_BYTES} of them, wait. */
  static final int FLUSH_RECORDS = 500;

  static final long FLUSH_BYTES = 16L << 20;

  private final String topic;
  private final int maxRecordBytes;
  private final TrainerMetrics metrics;
  private final List<ProducerRecord<String, byte[]>> waiting = new ArrayList<>();
  private long bytes;
  private long logged;

  /**
   * @param topic the dead-letter topic
   * @param maxRecordBytes the largest record it and the producer take
   */
  public TrainerDeadLetters(String topic, int maxRecordBytes, TrainerMetrics metrics) {
    this.topic = topic;
    this.maxRecordBytes = maxRecordBytes;
    this.metrics = metrics;
  }

  /** Refuses {@code r}: counted now, written with the next transaction. */
  public void add(ConsumerRecord<String, byte[]> r, DeadLetterReason reason, String message) {
    byte[] value = r.value();
    long size =
        AdapterPublisher.RECORD_OVERHEAD_BYTES
            + DeadLetter.MAX_MESSAGE_CHARS * 3L
            + 1024
            + (r.key() == null ? 0 : r.key().length() * 3L)
            + (value == null ? 0 : value.length);
    for (Header h : r.headers()) {
      size += h.key().length() * 3L + (h.value() == null ? 0 : h.value().length);
    }
    if (value != null && size > maxRecordBytes) {
      message =
          "[the value, "
              + value.length
              + " bytes, does not fit the dead-letter topic's "
              + maxRecordBytes
              + "-byte records and was left out] "
              + message;
      size -= value.length;
      value = null;
    }
    DeadLetter letter = new DeadLetter(reason, message, r.topic(), r.partition(), r.offset());
    waiting.add(
        new ProducerRecord<>(
            topic,
            null,
            Math.max(0, r.timestamp()),
            r.key(),
            value,
            letter.toHeaders(r.headers())));
    bytes += size;
    metrics.deadLetter(reason.wireName());
    if (logged++ < 10 || logged % 1000 == 0) {
      LOG.warn(
          "dead-lettering {}-{}@{} ({}, {} so far): {}",
          r.topic(),
          r.partition(),
          r.offset(),
          reason.wireName(),
          logged,
          letter.message());
    }
  }

  /**
   * True when enough wait that they should be committed now rather than at the next commit point.
   */
  public boolean flushDue() {
    return waiting.size() >= FLUSH_RECORDS || bytes >= FLUSH_BYTES;
  }

  int size() {
    return waiting.size();
  }

  /** The waiting records, removed: for the transaction about to begin. */
  public List<ProducerRecord<String, byte[]>> drain() {
    List<ProducerRecord<String, byte[]>> out = List.copyOf(waiting);
    waiting.clear();
    bytes = 0;
    return out;
  }

  /** Forgets the waiting records: their source records will be consumed (and refused) again. */
  public void clear() {
    waiting.clear();
    bytes = 0;
  }
}
