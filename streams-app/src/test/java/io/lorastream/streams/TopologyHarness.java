package io.lorastream.streams;

import io.lorastream.schemas.DeadLetter;
import io.lorastream.schemas.DeadLetterReason;
import io.lorastream.schemas.Document;
import io.lorastream.schemas.EventCodecs;
import io.lorastream.schemas.Interaction;
import io.lorastream.schemas.InteractionType;
import io.lorastream.schemas.LabelSource;
import io.lorastream.schemas.RelevanceLabel;
import io.lorastream.schemas.SearchEvent;
import io.lorastream.schemas.ShownResult;
import io.lorastream.schemas.TrainingPair;
import io.lorastream.streams.config.FeedbackStreamsConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * One TopologyTestDriver over {@link FeedbackTopology}, with event builders and explicit
 * timestamps.
 */
final class TopologyHarness implements AutoCloseable {
  /**
   * Ten minutes ago: event times near the wall clock, as in production (far-future ones are
   * rejected).
   */
  static final Instant T0 =
      Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minusSeconds(600);

  final FeedbackStreamsConfig config;
  final EventCodecs codecs;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final TopologyTestDriver driver;
  final TestInputTopic<byte[], byte[]> documents;
  final TestInputTopic<byte[], byte[]> searches;
  final TestInputTopic<byte[], byte[]> interactions;
  final TestInputTopic<byte[], byte[]> labels;
  final TestOutputTopic<String, TrainingPair> pairs;
  final TestOutputTopic<byte[], byte[]> deadLetters;
  private final Path stateDir;
  private int seq;

  TopologyHarness(FeedbackStreamsConfig config) {
    this.config = config;
    this.codecs = EventCodecs.create(config.limits(), config.jsonLimits());
    try {
      stateDir = Files.createTempDirectory("lorastream-ttd");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.runtime().applicationId());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    driver =
        new TopologyTestDriver(
            FeedbackTopology.build(config, codecs, new FeedbackMetrics(registry, 5)), props, T0);
    ByteArraySerializer b = new ByteArraySerializer();
    documents = driver.createInputTopic(config.topics().documents(), b, b);
    searches = driver.createInputTopic(config.topics().searchEvents(), b, b);
    interactions = driver.createInputTopic(config.topics().interactions(), b, b);
    labels = driver.createInputTopic(config.topics().relevanceLabels(), b, b);
    pairs =
        driver.createOutputTopic(
            config.topics().trainingPairs(),
            new StringDeserializer(),
            codecs.trainingPairs().serde().deserializer());
    deadLetters =
        driver.createOutputTopic(
            config.topics().deadLetters(),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
  }

  static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  static Instant at(long seconds) {
    return T0.plusSeconds(seconds);
  }

  String nextId(String prefix) {
    return prefix + "-" + (++seq);
  }

  void document(String docId, String text, long atSeconds) {
    Document d =
        new Document(1, nextId("doc"), "acme", at(atSeconds), docId, "", text, at(atSeconds));
    documents.pipeInput(new TestRecord<>(utf8(docId), codecs.documents().encode(d), at(atSeconds)));
  }

  void deleteDocument(String docId, long atSeconds) {
    documents.pipeInput(new TestRecord<>(utf8(docId), null, at(atSeconds)));
  }

  /** Documents d1..dn with text "text of dN". */
  void documents(int n) {
    for (int i = 1; i <= n; i++) {
      document("d" + i, "text of d" + i, 0);
    }
  }

  SearchEvent search(
      String impressionId, String tenant, String query, long atSeconds, String... docIds) {
    List<ShownResult> results = new ArrayList<>();
    for (int i = 0; i < docIds.length; i++) {
      results.add(new ShownResult(docIds[i], i + 1, 1.0 - i * 0.01));
    }
    SearchEvent e =
        new SearchEvent(
            1,
            "search-" + impressionId,
            tenant,
            at(atSeconds),
            impressionId,
            "session-1",
            query,
            null,
            results,
            "all-minilm-l6-v2",
            null);
    pipeSearch(e);
    return e;
  }

  void pipeSearch(SearchEvent e) {
    searches.pipeInput(
        new TestRecord<>(utf8(e.impressionId()), codecs.searchEvents().encode(e), e.eventTime()));
  }

  Interaction interact(
      String impressionId, String docId, InteractionType type, Long dwellMs, long atSeconds) {
    Interaction i =
        new Interaction(1, nextId("ix"), "acme", at(atSeconds), impressionId, docId, type, dwellMs);
    pipeInteraction(i);
    return i;
  }

  void pipeInteraction(Interaction i) {
    interactions.pipeInput(
        new TestRecord<>(utf8(i.impressionId()), codecs.interactions().encode(i), i.eventTime()));
  }

  Interaction click(String impressionId, String docId, Long dwellMs, long atSeconds) {
    return interact(impressionId, docId, InteractionType.CLICK, dwellMs, atSeconds);
  }

  RelevanceLabel label(String query, String docId, int grade, long atSeconds) {
    RelevanceLabel l =
        new RelevanceLabel(
            1,
            nextId("label"),
            "acme",
            at(atSeconds),
            query,
            null,
            docId,
            grade,
            LabelSource.ANNOTATOR);
    pipeLabel(l);
    return l;
  }

  void pipeLabel(RelevanceLabel l) {
    labels.pipeInput(
        new TestRecord<>(
            utf8(RelevanceLabel.key(l.tenant(), l.query())),
            codecs.relevanceLabels().encode(l),
            l.eventTime()));
  }

  /**
   * Moves stream time of the impression task by piping a search event far later (a new impression
   * of its own).
   */
  void advanceStreamTime(long atSeconds) {
    search(nextId("tick"), "acme", "tick", atSeconds, "d1");
  }

  List<TrainingPair> readPairs() {
    return pairs.readValuesToList();
  }

  /** A dead letter read back: its reason, the original bytes and the headers. */
  record Letter(DeadLetter letter, byte[] key, byte[] value, Headers headers) {
    DeadLetterReason reason() {
      return letter.reason();
    }
  }

  List<Letter> readDeadLetters() {
    List<Letter> out = new ArrayList<>();
    for (TestRecord<byte[], byte[]> r : deadLetters.readRecordsToList()) {
      out.add(new Letter(DeadLetter.fromHeaders(r.headers()), r.key(), r.value(), r.headers()));
    }
    return out;
  }

  double counter(String name, String tag, String value) {
    var c = registry.find(name).tag(tag, value).counter();
    return c == null ? 0 : c.count();
  }

  /**
   * The records the app wrote to a state store's changelog topic, in order (null values are
   * tombstones).
   */
  List<TestRecord<byte[], byte[]>> changelog(String store) {
    return driver
        .createOutputTopic(
            config.runtime().applicationId() + "-" + store + "-changelog",
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())
        .readRecordsToList();
  }

  void advanceWallClock(Duration d) {
    driver.advanceWallClockTime(d);
  }

  @Override
  public void close() {
    driver.close();
    try (var files = Files.walk(stateDir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException ignored) {
      // temp dir; the OS cleans up
    }
  }
}
