package io.lorastream.streams;

import io.lorastream.schemas.EventCodec;
import io.lorastream.schemas.TimedEvent;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The value deserializer of every input source: decodes a record under its topic's contract into a
 * {@link Decoded}, and never throws for bad input (the processor dead-letters it, inside the
 * exactly-once transaction).
 */
final class InputDecoder implements Deserializer<Decoded> {
  private final Map<String, EventCodec<? extends TimedEvent>> codecByTopic;
  private final Set<String> tombstoneTopics;

  /**
   * @param codecByTopic the contract of each input topic
   * @param tombstoneTopics topics where a null value is a tombstone; elsewhere it is an unparseable
   *     value
   */
  InputDecoder(
      Map<String, EventCodec<? extends TimedEvent>> codecByTopic, Set<String> tombstoneTopics) {
    this.codecByTopic = Map.copyOf(codecByTopic);
    this.tombstoneTopics = Set.copyOf(tombstoneTopics);
  }

  @Override
  public Decoded deserialize(String topic, byte[] data) {
    EventCodec<? extends TimedEvent> codec = codecByTopic.get(topic);
    if (codec == null) {
      throw new IllegalStateException(
          "no event contract for topic "
              + topic
              + "; the topology reads only "
              + codecByTopic.keySet());
    }
    return data == null && tombstoneTopics.contains(topic)
        ? Decoded.TOMBSTONE
        : Decoded.of(codec, data);
  }
}
