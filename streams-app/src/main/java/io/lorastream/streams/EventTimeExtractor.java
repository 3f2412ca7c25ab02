package io.lorastream.streams;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.lorastream.schemas.EventTimes;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time from the value's top-level {@code event_time}, read by a streaming parser that stops at that field
 * (producers write it fourth).
 *
 * <p>A record without a readable event time, or with one further ahead of the wall clock than the allowed skew, gets
 * the partition's current time instead: it still reaches its processor (and the dead-letter topic), but it does not
 * move stream time. Its own record timestamp is not trusted: a garbage record stamped "now" by its producer would
 * otherwise close every open window at once. Never negative: Kafka Streams would drop the record silently.
 */
public final class EventTimeExtractor implements TimestampExtractor {
  private static final JsonFactory JSON = new JsonFactory();
  private final long maxSkewMs;

  public EventTimeExtractor(Duration maxClockSkew) {
    this.maxSkewMs = maxClockSkew.toMillis();
  }

  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    if (record.value() instanceof byte[] bytes) {
      long t = eventTime(bytes);
      if (t >= 0 && t <= System.currentTimeMillis() + maxSkewMs) {
        return t;
      }
    }
    return partitionTime >= 0 ? partitionTime : Math.max(0, record.timestamp());
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
          return value == JsonToken.VALUE_STRING ? Math.max(-1, EventTimes.parse(p.getText()).toEpochMilli()) : -1;
        }
        p.skipChildren();
      }
      return -1;
    } catch (IOException | DateTimeException | ArithmeticException e) {
      return -1;
    }
  }
}
