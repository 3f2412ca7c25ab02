package io.lorastream.schemas;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The typed event topics. Value deserializers validate (and throw {@link ContractViolation}); serializers write JSON.
 * Keys are UTF-8 strings; the dead-letter topic is raw bytes both ways because it carries other records' bytes.
 */
public record EventTopics(
    Topic<String, Document> documents,
    Topic<String, SearchEvent> searchEvents,
    Topic<String, Interaction> interactions,
    Topic<String, RelevanceLabel> relevanceLabels,
    Topic<String, TrainingPair> trainingPairs,
    Topic<byte[], byte[]> deadLetters) {

  public static EventTopics create(TopicNames names, EventCodecs codecs) {
    Serde<String> keys = Serdes.String();
    return new EventTopics(
        new Topic<>(names.documents(), keys, codecs.documents().serde()),
        new Topic<>(names.searchEvents(), keys, codecs.searchEvents().serde()),
        new Topic<>(names.interactions(), keys, codecs.interactions().serde()),
        new Topic<>(names.relevanceLabels(), keys, codecs.relevanceLabels().serde()),
        new Topic<>(names.trainingPairs(), keys, codecs.trainingPairs().serde()),
        new Topic<>(names.deadLetters(), Serdes.ByteArray(), Serdes.ByteArray()));
  }
}
