package io.lorastream.streams;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** Helpers for the record being processed: its provenance and its key. */
final class Sources {
  private Sources() {}

  static SourceRecord current(ProcessingContext context, Record<byte[], Decoded> record) {
    RecordMetadata meta =
        context
            .recordMetadata()
            .orElseThrow(() -> new IllegalStateException("no source record in this context"));
    return new SourceRecord(
        meta.topic(),
        meta.partition(),
        meta.offset(),
        record.timestamp(),
        record.key(),
        record.value().bytes(),
        SourceRecord.copyOf(record.headers()));
  }

  /** A message if the event time is further ahead of the wall clock than allowed, else null. */
  static String futureMessage(
      ProcessingContext context, java.time.Instant eventTime, java.time.Duration maxSkew) {
    long now = context.currentSystemTimeMs();
    if (eventTime.toEpochMilli() <= now + maxSkew.toMillis()) {
      return null;
    }
    return "event_time "
        + eventTime
        + " is more than "
        + maxSkew
        + " ahead of the clock ("
        + java.time.Instant.ofEpochMilli(now)
        + "); fix the producer's clock or raise max-clock-skew";
  }

  static boolean keyIs(SourceRecord source, String expected) {
    return source.key() != null
        && Arrays.equals(source.key(), expected.getBytes(StandardCharsets.UTF_8));
  }

  static String keyMessage(SourceRecord source, String field, String expected) {
    String actual =
        source.key() == null
            ? "no key"
            : "key '" + new String(source.key(), StandardCharsets.UTF_8) + "'";
    return "record on "
        + source.topic()
        + " has "
        + actual
        + " but its "
        + field
        + " is '"
        + expected
        + "'; produce it with the key the contract names so it lands in the right partition";
  }
}
