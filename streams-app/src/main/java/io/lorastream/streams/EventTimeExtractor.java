package io.lorastream.streams;

import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time from the decoded event's {@code event_time} (the sources decode values with {@link
 * InputDecoder} before Kafka Streams asks for their time, so the value is read once).
 *
 * <p>A record that breaks its contract, or whose event time is further ahead of the wall clock than
 * the allowed skew, gets the partition's current time instead: it still reaches its processor (and
 * the dead-letter topic), but it does not move stream time. Its own record timestamp is not
 * trusted: a garbage record stamped "now" by its producer would otherwise close every open window
 * at once. Never negative: Kafka Streams would drop the record silently.
 */
public final class EventTimeExtractor implements TimestampExtractor {
  private final long maxSkewMs;

  public EventTimeExtractor(Duration maxClockSkew) {
    this.maxSkewMs = maxClockSkew.toMillis();
  }

  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    if (record.value() instanceof Decoded decoded) {
      long t = decoded.eventTimeMs();
      if (t >= 0 && t <= System.currentTimeMillis() + maxSkewMs) {
        return t;
      }
    }
    return partitionTime >= 0 ? partitionTime : Math.max(0, record.timestamp());
  }
}
