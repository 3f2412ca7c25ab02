package io.lorastream.streams;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time from the value's top-level {@code event_time}, read by a streaming parser that stops at that field
 * (producers write it fourth). A record without a readable one keeps the record timestamp (or the partition's time),
 * never a negative one: Kafka Streams would drop it silently, and bad records must reach the dead-letter topic.
 */
public final class EventTimeExtractor implements TimestampExtractor {
  private static final JsonFactory JSON = new JsonFactory();

  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    if (record.value() instanceof byte[] bytes) {
      long t = eventTime(bytes);
      if (t >= 0) {
        return t;
      }
    }
    if (record.timestamp() >= 0) {
      return record.timestamp();
    }
    return Math.max(0, partitionTime);
  }

  /** The epoch millis of {@code event_time}, or -1 if there is no readable one. */
  static long eventTime(byte[] bytes) {
    try (JsonParser p = JSON.createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return -1;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if ("event_time".equals(name)) {
          return value == JsonToken.VALUE_STRING ? Math.max(-1, Instant.parse(p.getText()).toEpochMilli()) : -1;
        }
        p.skipChildren();
      }
      return -1;
    } catch (IOException | DateTimeParseException | ArithmeticException e) {
      return -1;
    }
  }
}
