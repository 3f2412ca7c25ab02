package io.lorastream.schemas;

import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/** A topic name bound to the serdes of its keys and values. Built from {@link EventTopics}; pass it around, never a bare name. */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {
  public Topic {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(keySerde, "keySerde");
    Objects.requireNonNull(valueSerde, "valueSerde");
  }
}
