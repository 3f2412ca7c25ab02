package io.lorastream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventCodecTest {
  private static final Instant T = Instant.parse("2025-01-02T03:04:05Z");
  private final EventCodecs codecs = EventCodecs.create(new TextLimits(20, 50));

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static final String SEARCH =
      """
      {"schema_version":1,"event_id":"e1","tenant":"acme","event_time":"2025-01-02T03:04:05Z",
       "impression_id":"imp-1","session_id":"s1","query":"what is dna","query_id":"q7",
       "results":[{"doc_id":"d1","rank":1,"score":0.9},{"doc_id":"d2","rank":2,"score":0.5}],
       "model_version":"all-minilm-l6-v2","some_future_field":{"x":[1,2]}}
      """;

  @Test
  void snakeCaseJsonWithUnknownFieldsDecodesToTheRecord() {
    SearchEvent e = codecs.searchEvents().decode(utf8(SEARCH));
    assertThat(e.impressionId()).isEqualTo("imp-1");
    assertThat(e.queryId()).isEqualTo("q7");
    assertThat(e.eventTime()).isEqualTo(T);
    assertThat(e.results())
        .containsExactly(new ShownResult("d1", 1, 0.9), new ShownResult("d2", 2, 0.5));
    assertThat(e.adapterVersion()).isNull();
    assertThat(codecs.searchEvents().keyOf(e)).isEqualTo("imp-1");
  }

  @Test
  void everyRecordTypeSurvivesAnEncodeDecodeRoundTripThroughItsSchema() {
    Document doc = new Document(1, "e0", "acme", T, "d1", "Title", "Body text", T);
    SearchEvent search =
        new SearchEvent(
            1,
            "e1",
            "acme",
            T,
            "imp",
            "s",
            "q",
            null,
            List.of(new ShownResult("d1", 1, 1.0)),
            "m",
            "a@3");
    Interaction click =
        new Interaction(1, "e2", "acme", T, "imp", "d1", InteractionType.CLICK, 12_000L);
    RelevanceLabel label =
        new RelevanceLabel(1, "e3", "acme", T, "q", "q1", "d1", 2, LabelSource.LLM);
    TrainingPair pair =
        new TrainingPair(
            1,
            PairIds.of(PairKind.LABEL, List.of("e3"), "d1", List.of()),
            PairKind.LABEL,
            "acme",
            "acme",
            "q",
            "Title Body text",
            "d1",
            List.of(),
            List.of(),
            1.0,
            2.0 / 3,
            List.of("e3"),
            T,
            "q1",
            null,
            List.of());
    assertThat(codecs.documents().decode(codecs.documents().encode(doc))).isEqualTo(doc);
    assertThat(codecs.searchEvents().decode(codecs.searchEvents().encode(search)))
        .isEqualTo(search);
    assertThat(codecs.interactions().decode(codecs.interactions().encode(click))).isEqualTo(click);
    assertThat(codecs.relevanceLabels().decode(codecs.relevanceLabels().encode(label)))
        .isEqualTo(label);
    assertThat(codecs.trainingPairs().decode(codecs.trainingPairs().encode(pair))).isEqualTo(pair);
    assertThat(new String(codecs.interactions().encode(click), StandardCharsets.UTF_8))
        .contains(
            "\"event_time\":\"2025-01-02T03:04:05Z\"", "\"type\":\"click\"", "\"dwell_ms\":12000");
  }

  @Test
  void bytesThatAreNotJsonAreUnparseable() {
    assertReason(
        () -> codecs.searchEvents().decode(utf8("{\"event_id\": ")),
        DeadLetterReason.UNPARSEABLE_JSON);
    assertReason(
        () -> codecs.searchEvents().decode(utf8("[1,2]")), DeadLetterReason.UNPARSEABLE_JSON);
    assertReason(
        () -> codecs.searchEvents().decode(new byte[0]), DeadLetterReason.UNPARSEABLE_JSON);
  }

  @Test
  void jsonInAnotherUnicodeEncodingIsNotTakenForUtf8Json() {
    // valid UTF-8 bytes (NULs and a byte order mark are legal), but not a UTF-8 JSON object
    String json = "{\"a\":1}";
    assertReason(
        () -> codecs.searchEvents().decode(json.getBytes(StandardCharsets.UTF_16BE)),
        DeadLetterReason.UNPARSEABLE_JSON);
    assertReason(
        () -> codecs.searchEvents().decode(json.getBytes(StandardCharsets.UTF_16LE)),
        DeadLetterReason.UNPARSEABLE_JSON);
    byte[] bom = new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    byte[] withBom = new byte[bom.length + SEARCH.length()];
    System.arraycopy(bom, 0, withBom, 0, bom.length);
    System.arraycopy(utf8(SEARCH), 0, withBom, bom.length, SEARCH.length());
    assertReason(() -> codecs.searchEvents().decode(withBom), DeadLetterReason.UNPARSEABLE_JSON);
  }

  @Test
  void eventTimesKeepEveryDigitOfTheirFraction() {
    String micros = SEARCH.replace("2025-01-02T03:04:05Z", "2025-01-02T03:04:05.123456Z");
    assertThat(codecs.searchEvents().decode(utf8(micros)).eventTime())
        .isEqualTo(Instant.parse("2025-01-02T03:04:05.123456Z"));
    String offset = SEARCH.replace("2025-01-02T03:04:05Z", "2025-01-02T04:04:05+01:00");
    assertThat(codecs.searchEvents().decode(utf8(offset)).eventTime()).isEqualTo(T);
  }

  @Test
  void charactersBeyondTheBasicPlaneAreWrittenAsUtf8NotAsEscapedSurrogates() {
    Interaction click =
        new Interaction(1, "e😀", "acme", T, "imp", "d1", InteractionType.CLICK, null);
    String json = new String(codecs.interactions().encode(click), StandardCharsets.UTF_8);
    assertThat(json).contains("\"event_id\":\"e😀\"").doesNotContain("\\uD83D");
    assertThat(codecs.interactions().decode(codecs.interactions().encode(click))).isEqualTo(click);
  }

  @Test
  void invalidUtf8IsNamedAsSuch() {
    byte[] bytes = utf8(SEARCH);
    bytes[bytes.length / 2] = (byte) 0xC3; // a lead byte followed by ASCII: malformed
    bytes[bytes.length / 2 + 1] = (byte) 0x28;
    assertReason(() -> codecs.searchEvents().decode(bytes), DeadLetterReason.INVALID_UTF8);
  }

  @Test
  void aMissingRequiredFieldIsMissingField() {
    String noQuery = SEARCH.replace("\"query\":\"what is dna\",", "");
    assertThatThrownBy(() -> codecs.searchEvents().decode(utf8(noQuery)))
        .isInstanceOfSatisfying(
            ContractViolation.class,
            v -> {
              assertThat(v.reason()).isEqualTo(DeadLetterReason.MISSING_FIELD);
              assertThat(v.getMessage()).contains("query");
            });
  }

  @Test
  void aFieldOfTheWrongTypeIsWrongType() {
    assertReason(
        () -> codecs.searchEvents().decode(utf8(SEARCH.replace("\"rank\":2", "\"rank\":\"two\""))),
        DeadLetterReason.WRONG_TYPE);
    assertReason(
        () ->
            codecs
                .searchEvents()
                .decode(utf8(SEARCH.replace("\"query\":\"what is dna\"", "\"query\":null"))),
        DeadLetterReason.WRONG_TYPE);
  }

  @Test
  void aQueryOverTheConfiguredLimitIsTextTooLong() {
    String longQuery = SEARCH.replace("what is dna", "what is dna and why is it a double helix");
    assertReason(
        () -> codecs.searchEvents().decode(utf8(longQuery)), DeadLetterReason.TEXT_TOO_LONG);
  }

  @Test
  void aDocumentOverTheConfiguredLimitIsTextTooLong() {
    Document doc = new Document(1, "e0", "acme", T, "d1", "T", "x".repeat(50), T);
    assertReason(
        () -> codecs.documents().decode(codecs.documents().encode(doc)),
        DeadLetterReason.TEXT_TOO_LONG);
  }

  @Test
  void repeatedRanksAndOtherBrokenRulesAreSchemaViolations() {
    assertReason(
        () -> codecs.searchEvents().decode(utf8(SEARCH.replace("\"rank\":2", "\"rank\":1"))),
        DeadLetterReason.SCHEMA_VIOLATION);
    assertReason(
        () ->
            codecs.searchEvents().decode(utf8(SEARCH.replace("2025-01-02T03:04:05Z", "yesterday"))),
        DeadLetterReason.SCHEMA_VIOLATION);
    String badGrade =
        """
        {"schema_version":1,"event_id":"e","tenant":"acme","event_time":"2025-01-02T03:04:05Z",
         "query":"q","doc_id":"d","grade":7,"source":"llm"}""";
    assertReason(
        () -> codecs.relevanceLabels().decode(utf8(badGrade)), DeadLetterReason.SCHEMA_VIOLATION);
    String dwellWithoutTime =
        """
        {"schema_version":1,"event_id":"e","tenant":"acme","event_time":"2025-01-02T03:04:05Z",
         "impression_id":"i","doc_id":"d","type":"dwell"}""";
    assertReason(
        () -> codecs.interactions().decode(utf8(dwellWithoutTime)), DeadLetterReason.MISSING_FIELD);
  }

  @Test
  void anotherSchemaVersionIsUnsupported() {
    assertReason(
        () ->
            codecs
                .searchEvents()
                .decode(utf8(SEARCH.replace("\"schema_version\":1", "\"schema_version\":2"))),
        DeadLetterReason.UNSUPPORTED_VERSION);
  }

  @Test
  void theSerdeMapsTombstonesToNullAndValidatesEverythingElse() {
    var serde = codecs.documents().serde();
    assertThat(serde.deserializer().deserialize("t", null)).isNull();
    assertThatThrownBy(() -> serde.deserializer().deserialize("t", utf8("nope")))
        .isInstanceOf(ContractViolation.class);
  }

  private static void assertReason(Runnable decode, DeadLetterReason reason) {
    assertThatThrownBy(decode::run)
        .isInstanceOfSatisfying(
            ContractViolation.class, v -> assertThat(v.reason()).isEqualTo(reason));
  }
}
