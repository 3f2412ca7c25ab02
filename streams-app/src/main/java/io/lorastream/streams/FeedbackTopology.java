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
 * The feedback-to-pairs topology, built with the Processor API: every input value is decoded at its
 * source into a {@link Decoded} that keeps its original bytes, so that a bad record is
 * dead-lettered with them by its processor, inside the same exactly-once transaction as the pairs.
 *
 * <pre>
 * documents ──► DocumentProcessor ──► passages topic ──► global passages store (doc id → title + text)
 * search-events ─┐
 * interactions ──┴► ImpressionProcessor (impressions, their interactions, watermark, parked) ───┐
 * relevance-labels ► LabelProcessor (seen event ids, grade-0 docs per query, parked drafts) ────┼► training-pairs
 *                                                              every processor's bad records ───┴► dlq
 * </pre>
 *
 * <p>Three sub-topologies (documents; search events + interactions; labels), so each task waits, in
 * event-time order, only for the inputs it joins (see {@link #pairSink}).
 */
public final class FeedbackTopology {
  static final String DOCUMENTS = "documents";
  static final String IMPRESSIONS = "impressions";
  static final String LABELS = "labels";
  static final String PASSAGE_SINK = "passages-sink";

  static final String IMPRESSIONS_STORE = "impressions";

  /** The interactions of open impressions, one entry each ({@link ImpressionInteractions}). */
  static final String INTERACTIONS_STORE = "impression-interactions";

  static final String WATERMARK_STORE = "impression-watermark";
  static final String IMPRESSION_PARKED_STORE = "impression-parked-pairs";
  static final String LABEL_SEEN_STORE = "label-seen-events";
  static final String LABEL_NEGATIVES_STORE = "label-negatives";
  static final String LABEL_PARKED_STORE = "label-parked-pairs";

  /**
   * The global store of document passages (doc id to {@link io.lorastream.schemas.JsonText#stored}:
   * title + text escaped for JSON, read with {@code JsonText.fromStored}); public for interactive
   * queries and tests.
   */
  public static final String PASSAGES_STORE = "document-passages";

  /**
   * Changelog topic settings of the impressions and interactions stores. Every entry is deleted
   * when its window closes, so most of their changelog is soon superseded; small segments let
   * compaction drop it, which bounds what a restart (a full restore, for in-memory stores) replays.
   */
  static final Map<String, String> IMPRESSION_CHANGELOG_CONFIGS =
      Map.of(TopicConfig.SEGMENT_BYTES_CONFIG, Integer.toString(64 * 1024 * 1024));

  private FeedbackTopology() {}

  /**
   * The sink a processor's pairs leave by. Each processor has sinks of its own: Kafka Streams puts
   * every node connected to a shared sink into one sub-topology, so one sink for all would make
   * each task read all four inputs and wait, in event-time order, for the quietest of them (a
   * caught-up documents or labels partition held the impressions back for {@code max-task-idle}
   * each time it ran dry). Apart, each input waits only for the inputs it is joined with.
   */
  static String pairSink(String processor) {
    return processor + "-pairs-sink";
  }

  /** The sink a processor's dead letters leave by (one per processor, as {@link #pairSink}). */
  static String deadLetterSink(String processor) {
    return processor + "-dlq-sink";
  }

  private static KeyValueBytesStoreSupplier keyValue(StoreType type, String name) {
    return type == StoreType.IN_MEMORY
        ? Stores.inMemoryKeyValueStore(name)
        : Stores.persistentKeyValueStore(name);
  }

  public static Topology build(
      FeedbackStreamsConfig config, EventCodecs codecs, FeedbackMetrics metrics) {
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

    t.addSource(
        AutoOffsetReset.earliest(),
        "documents-source",
        eventTime,
        bytes,
        events,
        topics.documents());
    t.addProcessor(DOCUMENTS, () -> new DocumentProcessor(metrics), "documents-source");
    t.addSink(
        PASSAGE_SINK,
        config.passagesTopic(),
        new StringSerializer(),
        new StringSerializer(),
        DOCUMENTS);
    addDeadLetterSink(t, topics.deadLetters(), DOCUMENTS);
    t.addGlobalStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(PASSAGES_STORE), Serdes.String(), Serdes.ByteArray())
            .withLoggingDisabled(),
        "passages-source",
        new StringDeserializer(),
        new ByteArrayDeserializer(),
        config.passagesTopic(),
        "passages-updater",
        PassageStoreUpdater::new);

    t.addSource(
        AutoOffsetReset.earliest(),
        "impressions-source",
        eventTime,
        bytes,
        events,
        topics.searchEvents(),
        topics.interactions());
    t.addProcessor(
        IMPRESSIONS, () -> new ImpressionProcessor(config, metrics), "impressions-source");
    addPairSink(t, topics.trainingPairs(), IMPRESSIONS);
    addDeadLetterSink(t, topics.deadLetters(), IMPRESSIONS);
    StoreType impressionStores = config.runtime().impressionStoreType();
    // Cached: the puts and the delete an impression sees between two commits reach the store and
    // its changelog once
    // (while catching up on a backlog most impressions open and close within one commit: 3.7x fewer
    // changelog bytes).
    t.addStateStore(
        Stores.keyValueStoreBuilder(
                keyValue(impressionStores, IMPRESSIONS_STORE),
                Serdes.String(),
                ImpressionState.serde(codecs))
            .withLoggingEnabled(IMPRESSION_CHANGELOG_CONFIGS)
            .withCachingEnabled(),
        IMPRESSIONS);
    // Cached as well: an interaction written and deleted within one commit reaches the changelog as
    // one tombstone.
    t.addStateStore(
        Stores.keyValueStoreBuilder(
                keyValue(impressionStores, INTERACTIONS_STORE), Serdes.Bytes(), Serdes.ByteArray())
            .withLoggingEnabled(IMPRESSION_CHANGELOG_CONFIGS)
            .withCachingEnabled(),
        IMPRESSIONS);
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            keyValue(impressionStores, WATERMARK_STORE), Serdes.String(), Serdes.Long()),
        IMPRESSIONS);
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            keyValue(impressionStores, IMPRESSION_PARKED_STORE),
            Serdes.String(),
            PairDraft.serde()),
        IMPRESSIONS);

    t.addSource(
        AutoOffsetReset.earliest(),
        "labels-source",
        eventTime,
        bytes,
        events,
        topics.relevanceLabels());
    t.addProcessor(LABELS, () -> new LabelProcessor(config, metrics), "labels-source");
    addPairSink(t, topics.trainingPairs(), LABELS);
    addDeadLetterSink(t, topics.deadLetters(), LABELS);
    Duration retention = config.rules().dedupeRetention();
    StoreType labelStores = config.runtime().labelStoreType();
    t.addStateStore(
        Stores.windowStoreBuilder(
            labelStores == StoreType.IN_MEMORY
                ? Stores.inMemoryWindowStore(
                    LABEL_SEEN_STORE, retention, Duration.ofMillis(1), false)
                : Stores.persistentWindowStore(
                    LABEL_SEEN_STORE, retention, Duration.ofMillis(1), false),
            Serdes.String(),
            Serdes.Long()),
        LABELS);
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            keyValue(labelStores, LABEL_NEGATIVES_STORE), Serdes.String(), NegativeLabels.serde()),
        LABELS);
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            keyValue(labelStores, LABEL_PARKED_STORE), Serdes.String(), PairDraft.serde()),
        LABELS);

    return t;
  }

  private static void addPairSink(Topology t, String topic, String processor) {
    t.addSink(
        pairSink(processor),
        topic,
        new StringSerializer(),
        EncodedTrainingPair.serializer(),
        processor);
  }

  private static void addDeadLetterSink(Topology t, String topic, String processor) {
    t.addSink(
        deadLetterSink(processor),
        topic,
        new ByteArraySerializer(),
        new ByteArraySerializer(),
        processor);
  }
}
