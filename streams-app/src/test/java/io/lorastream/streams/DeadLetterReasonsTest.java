package io.lorastream.streams;

import static io.lorastream.streams.TopologyHarness.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.schemas.DeadLetterReason;
import io.lorastream.schemas.TrainingPair;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every contract violation reaches the dead-letter topic with its original bytes and source, and
 * the app goes on.
 */
class DeadLetterReasonsTest {
  private static final String T =
      "\"schema_version\":1,\"tenant\":\"acme\",\"event_time\":\"2025-03-01T12:00:01Z\"";
  private TopologyHarness h;

  @AfterEach
  void close() {
    h.close();
  }

  private record Bad(String topic, byte[] key, byte[] value, DeadLetterReason reason) {}

  @Test
  void everyBadRecordIsDeadLetteredWithItsOriginalBytesReasonAndSource() {
    h =
        new TopologyHarness(
            FeedbackTopologyTest.config(
                Map.of("max-query-chars", "20", "max-document-chars", "30")));
    h.documents(3);
    var topics = h.config.topics();
    byte[] badUtf8 = utf8("{\"event_id\":\"x\",\"query\":\"caf\u00e9\"}");
    badUtf8[badUtf8.length - 4] = (byte) 0xC3;
    badUtf8[badUtf8.length - 3] = (byte) 0x28;
    List<Bad> bad =
        List.of(
            new Bad(
                topics.searchEvents(),
                utf8("i1"),
                utf8("not json at all"),
                DeadLetterReason.UNPARSEABLE_JSON),
            new Bad(topics.interactions(), utf8("i1"), badUtf8, DeadLetterReason.INVALID_UTF8),
            new Bad(
                topics.relevanceLabels(),
                utf8("acme/q"),
                utf8(
                    "{"
                        + T
                        + ",\"event_id\":\"l1\",\"query\":\"q\",\"doc_id\":\"d1\",\"source\":\"llm\"}"),
                DeadLetterReason.MISSING_FIELD),
            new Bad(
                topics.interactions(),
                utf8("i1"),
                utf8(
                    "{"
                        + T
                        + ",\"event_id\":\"x1\",\"impression_id\":\"i1\",\"doc_id\":\"d1\",\"type\":\"click\",\"dwell_ms\":\"long\"}"),
                DeadLetterReason.WRONG_TYPE),
            new Bad(
                topics.searchEvents(),
                utf8("i2"),
                utf8(
                    "{"
                        + T
                        + ",\"event_id\":\"s2\",\"impression_id\":\"i2\",\"session_id\":\"s\",\"query\":\"a query far longer than twenty\","
                        + "\"results\":[{\"doc_id\":\"d1\",\"rank\":1,\"score\":1}],\"model_version\":\"m\"}"),
                DeadLetterReason.TEXT_TOO_LONG),
            new Bad(
                topics.documents(),
                utf8("d7"),
                utf8(
                    "{"
                        + T
                        + ",\"event_id\":\"doc7\",\"doc_id\":\"d7\",\"text\":\""
                        + "x".repeat(31)
                        + "\",\"updated_at\":\"2025-03-01T12:00:01Z\"}"),
                DeadLetterReason.TEXT_TOO_LONG),
            new Bad(
                topics.searchEvents(),
                utf8("i3"),
                utf8(
                    "{"
                        + T
                        + ",\"event_id\":\"s3\",\"impression_id\":\"i3\",\"session_id\":\"s\",\"query\":\"q\","
                        + "\"results\":[{\"doc_id\":\"d1\",\"rank\":1,\"score\":1},{\"doc_id\":\"d2\",\"rank\":1,\"score\":1}],\"model_version\":\"m\"}"),
                DeadLetterReason.SCHEMA_VIOLATION),
            new Bad(
                topics.interactions(),
                utf8("i1"),
                utf8(
                    "{"
                        + T
                        + ",\"event_id\":\"x2\",\"impression_id\":\"i1\",\"doc_id\":\"d1\",\"type\":\"hover\"}"),
                DeadLetterReason.SCHEMA_VIOLATION),
            new Bad(
                topics.relevanceLabels(),
                utf8("acme/q"),
                utf8(
                    "{\"schema_version\":9,\"tenant\":\"acme\",\"event_time\":\"2025-03-01T12:00:01Z\",\"event_id\":\"l2\"}"),
                DeadLetterReason.UNSUPPORTED_VERSION),
            new Bad(
                topics.searchEvents(),
                utf8("not-i4"),
                utf8(
                    "{"
                        + T
                        + ",\"event_id\":\"s4\",\"impression_id\":\"i4\",\"session_id\":\"s\",\"query\":\"q\","
                        + "\"results\":[{\"doc_id\":\"d1\",\"rank\":1,\"score\":1}],\"model_version\":\"m\"}"),
                DeadLetterReason.KEY_MISMATCH),
            new Bad(
                topics.relevanceLabels(),
                null,
                utf8(
                    "{"
                        + T
                        + ",\"event_id\":\"l3\",\"query\":\"q\",\"doc_id\":\"d1\",\"grade\":2,\"source\":\"llm\"}"),
                DeadLetterReason.KEY_MISMATCH),
            new Bad(
                topics.documents(),
                utf8("d1"),
                utf8(
                    "{"
                        + T
                        + ",\"event_id\":\"doc8\",\"doc_id\":\"d8\",\"text\":\"t\",\"updated_at\":\"2025-03-01T12:00:01Z\"}"),
                DeadLetterReason.KEY_MISMATCH));

    RecordHeaders headers = new RecordHeaders();
    headers.add("trace-id", utf8("t-123"));
    for (Bad b : bad) {
      var topic =
          b.topic().equals(topics.searchEvents())
              ? h.searches
              : b.topic().equals(topics.interactions())
                  ? h.interactions
                  : b.topic().equals(topics.relevanceLabels()) ? h.labels : h.documents;
      topic.pipeInput(new TestRecord<>(b.key(), b.value(), headers, TopologyHarness.at(1)));
    }
    // the app carries on: a good impression after all of that still becomes a pair
    h.search("good", "acme", "q", 2, "d1", "d2");
    h.click("good", "d2", 30_000L, 3);
    h.advanceStreamTime(80);
    assertThat(h.readPairs()).extracting(TrainingPair::positiveDocId).containsExactly("d2");

    List<TopologyHarness.Letter> letters = h.readDeadLetters();
    assertThat(letters).hasSize(bad.size());
    for (Bad b : bad) {
      var match =
          letters.stream().filter(l -> java.util.Arrays.equals(l.value(), b.value())).toList();
      assertThat(match)
          .as("dead letter for %s", new String(b.value(), StandardCharsets.UTF_8))
          .singleElement()
          .satisfies(
              l -> {
                assertThat(l.reason()).isEqualTo(b.reason());
                assertThat(l.key()).isEqualTo(b.key());
                assertThat(l.letter().sourceTopic()).isEqualTo(b.topic());
                assertThat(l.letter().sourcePartition()).isZero();
                assertThat(l.letter().sourceOffset()).isGreaterThanOrEqualTo(0);
                assertThat(l.letter().message()).isNotBlank();
                assertThat(l.headers().lastHeader("trace-id").value()).isEqualTo(utf8("t-123"));
              });
    }
    assertThat(h.counter("lorastream.streams.dead.letters", "reason", "key_mismatch")).isEqualTo(3);
  }

  @Test
  void anInvalidUpdateOfADocumentKeepsItsLastGoodVersion() {
    h = new TopologyHarness(FeedbackTopologyTest.config(Map.of("max-document-chars", "30")));
    h.documents(2);
    h.document("d2", "y".repeat(40), 1); // too long: dead-lettered, d2 keeps "text of d2"
    h.search("imp", "acme", "q", 2, "d1", "d2");
    h.click("imp", "d2", 30_000L, 3);
    h.advanceStreamTime(80);
    assertThat(h.readPairs())
        .singleElement()
        .satisfies(p -> assertThat(p.positive()).isEqualTo("text of d2"));
    assertThat(h.readDeadLetters())
        .extracting(TopologyHarness.Letter::reason)
        .containsExactly(DeadLetterReason.TEXT_TOO_LONG);
  }
}
