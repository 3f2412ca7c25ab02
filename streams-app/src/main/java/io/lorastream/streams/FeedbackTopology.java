package io.lorastream.streams;

import io.lorastream.schemas.EncodedTrainingPair;
import io.lorastream.schemas.EventCodecs;
import io.lorastream.streams.config.FeedbackStreamsConfig;
import io.lorastream.streams.config.StoreType;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

/**
 * The feedback-to-pairs topology, built with the Processor API: every input value is decoded at its source into a
 * {@link Decoded} that keeps its original bytes, so that a bad record is dead-lettered with them by its processor,
 * inside the same exactly-once transaction as the pairs.
 *
 * <pre>
 * documents ──► DocumentProcessor ──► passages topic ──► global passages store (doc id → title + text)
 * search-events ─┐
 * interactions ──┴► ImpressionProcessor (impressions, watermark, parked drafts) ───────────────┐
 * relevance-labels ► LabelProcessor (seen event ids, grade-0 docs per query, parked drafts) ────┼► training-pairs
 *                                                              every processor's bad records ───┴► dlq
 * </pre>
 */
public final class FeedbackTopology {
  static final String PAIR_SINK = "training-pairs-sink";
  static final String DEAD_LETTER_SINK = "dlq-sink";
  static final String PASSAGE_SINK = "passages-sink";

  static final String IMPRESSIONS_STORE = "impressions";
  static final String WATERMARK_STORE = "impression-watermark";
  static final String IMPRESSION_PARKED_STORE = "impression-parked-pairs";
  static final String LABEL_SEEN_STORE = "label-seen-events";
  static final String LABEL_NEGATIVES_STORE = "label-negatives";
  static final String LABEL_PARKED_STORE = "label-parked-pairs";
  /**
   * The global store of document passages (doc id to {@link io.lorastream.schemas.JsonText#stored}: title + text escaped
   * for JSON, read with {@code JsonText.fromStored}); public for interactive queries and tests.
   */
  public static final String PASSAGES_STORE = "document-passages";

  /**
   * Changelog topic settings of the impressions store. Every entry is deleted when its window closes, so
   * most of their changelog is soon superseded; small segments let compaction drop it, which bounds what a restart
   * (a full restore, for in-memory stores) replays.
   */
  static final Map<String, String> IMPRESSION_CHANGELOG_CONFIGS =
      Map.of(TopicConfig.SEGMENT_BYTES_CONFIG, Integer.toString(64 * 1024 * 1024));

  private FeedbackTopology() {}

  private static KeyValueBytesStoreSupplier keyValue(StoreType type, String name) {
    return type == StoreType.IN_MEMORY ? Stores.inMemoryKeyValueStore(name) : Stores.persistentKeyValueStore(name);
  }

  public static Topology build(FeedbackStreamsConfig config, EventCodecs codecs, FeedbackMetrics metrics) {
    var topics = config.topics();
    Topology t = new Topology();
    EventTimeExtractor eventTime = new EventTimeExtractor(config.window().maxClockSkew());
    ByteArrayDeserializer bytes = new ByteArrayDeserializer();
    InputDecoder events =
        new InputDecoder(
            Map.of(
                topics.documents(), codecs.documents(),
                topics.searchEvents(), codecs.searchEvents(),
                topics.interactions(), codecs.interactions(),
                topics.relevanceLabels(), codecs.relevanceLabels()),
            Set.of(topics.documents()));

    t.addSource(AutoOffsetReset.earliest(), "documents-source", eventTime, bytes, events, topics.documents());
    t.addProcessor("documents", () -> new DocumentProcessor(metrics), "documents-source");
    t.addSink(PASSAGE_SINK, config.passagesTopic(), new StringSerializer(), new StringSerializer(), "documents");
    t.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PASSAGES_STORE), Serdes.String(), Serdes.ByteArray())
            .withLoggingDisabled(),
        "passages-source",
        new StringDeserializer(),
        new ByteArrayDeserializer(),
        config.passagesTopic(),
        "passages-updater",
        PassageStoreUpdater::new);

    t.addSource(AutoOffsetReset.earliest(), "impressions-source", eventTime, bytes, events, topics.searchEvents(), topics.interactions());
    t.addProcessor("impressions", () -> new ImpressionProcessor(config, metrics), "impressions-source");
    StoreType impressionStores = config.runtime().impressionStoreType();
    // Cached: the puts and the delete an impression sees between two commits reach the store and its changelog once
    // (while catching up on a backlog most impressions open and close within one commit: 3.7x fewer changelog bytes).
    t.addStateStore(
        Stores.keyValueStoreBuilder(
                keyValue(impressionStores, IMPRESSIONS_STORE), Serdes.String(), ImpressionState.serde(codecs))
            .withLoggingEnabled(IMPRESSION_CHANGELOG_CONFIGS)
            .withCachingEnabled(),
        "impressions");
    t.addStateStore(
        Stores.keyValueStoreBuilder(keyValue(impressionStores, WATERMARK_STORE), Serdes.String(), Serdes.Long()), "impressions");
    t.addStateStore(
        Stores.keyValueStoreBuilder(keyValue(impressionStores, IMPRESSION_PARKED_STORE), Serdes.String(), PairDraft.serde()),
        "impressions");

    t.addSource(AutoOffsetReset.earliest(), "labels-source", eventTime, bytes, events, topics.relevanceLabels());
    t.addProcessor("labels", () -> new LabelProcessor(config, metrics), "labels-source");
    Duration retention = config.rules().dedupeRetention();
    StoreType labelStores = config.runtime().labelStoreType();
    t.addStateStore(
        Stores.windowStoreBuilder(
            labelStores == StoreType.IN_MEMORY
                ? Stores.inMemoryWindowStore(LABEL_SEEN_STORE, retention, Duration.ofMillis(1), false)
                : Stores.persistentWindowStore(LABEL_SEEN_STORE, retention, Duration.ofMillis(1), false),
            Serdes.String(),
            Serdes.Long()),
        "labels");
    t.addStateStore(
        Stores.keyValueStoreBuilder(keyValue(labelStores, LABEL_NEGATIVES_STORE), Serdes.String(), NegativeLabels.serde()),
        "labels");
    t.addStateStore(
        Stores.keyValueStoreBuilder(keyValue(labelStores, LABEL_PARKED_STORE), Serdes.String(), PairDraft.serde()),
        "labels");

    t.addSink(
        PAIR_SINK,
        topics.trainingPairs(),
        new StringSerializer(),
        EncodedTrainingPair.serializer(),
        "impressions",
        "labels");
    t.addSink(
        DEAD_LETTER_SINK,
        topics.deadLetters(),
        new ByteArraySerializer(),
        new ByteArraySerializer(),
        "documents",
        "impressions",
        "labels");
    return t;
  }
}
