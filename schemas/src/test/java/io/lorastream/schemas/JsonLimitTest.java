package io.lorastream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Values over a {@link JsonLimits} limit are refused as unparseable, with the limit, its setting
 * and the way out.
 */
class JsonLimitTest {
  private static final String HEAD =
      "{\"schema_version\":1,\"event_id\":\"e1\",\"tenant\":\"acme\","
          + "\"event_time\":\"2025-01-02T03:04:05Z\",\"impression_id\":\"imp-1\",\"session_id\":\"s1\",\"query\":\"q\","
          + "\"results\":[{\"doc_id\":\"d1\",\"rank\":1,\"score\":0.5}],\"model_version\":\"m\"";

  /** A valid search event with one extra field. */
  private static byte[] searchWith(String extraField) {
    return (HEAD + "," + extraField + "}").getBytes(StandardCharsets.UTF_8);
  }

  private static String nested(int levels) {
    return "[".repeat(levels) + "]".repeat(levels);
  }

  private static ContractViolation refusal(EventCodec<?> codec, byte[] value) {
    try {
      codec.decode(value);
    } catch (ContractViolation v) {
      return v;
    }
    throw new AssertionError("accepted: " + new String(value, StandardCharsets.UTF_8));
  }

  @Test
  void theIssuesRecordsNested1001DeepOrWithA1001DigitNumberAreUnparseableWithAReadableReason() {
    // Before: dead-lettered as deserialization_error, "NullPointerException: Cannot invoke
    // JsonLocation.offsetDescription()" (Jackson's constraint failure carries no location).
    EventCodec<SearchEvent> codec = EventCodecs.create(TextLimits.DEFAULTS).searchEvents();
    ContractViolation deep = refusal(codec, searchWith("\"x\":" + nested(1001)));
    assertThat(deep.reason()).isEqualTo(DeadLetterReason.UNPARSEABLE_JSON);
    assertThat(deep.getMessage())
        .startsWith("search_event: the JSON nests more than 64 levels deep (max-json-depth)")
        .contains("raise max-json-depth")
        .contains("(at line: 1, column: ");
    ContractViolation digits = refusal(codec, searchWith("\"x\":" + "9".repeat(1001)));
    assertThat(digits.reason()).isEqualTo(DeadLetterReason.UNPARSEABLE_JSON);
    assertThat(digits.getMessage())
        .startsWith("search_event: a number of 1001 characters is over max-json-number-chars (100)")
        .contains("raise max-json-number-chars");
  }

  @Test
  void eachLimitIsItsOwnSettingAndAValueJustWithinItPasses() {
    JsonLimits limits = new JsonLimits(5, 10, 40, 14, 60, 2_000);
    EventCodec<SearchEvent> codec =
        new EventCodec<>(EventContract.SEARCH_EVENT, TextLimits.DEFAULTS, limits);
    // the event itself nests 3 levels: {"results":[{...}]}
    assertThat(codec.decode(searchWith("\"x\":" + nested(4))).eventId()).isEqualTo("e1");
    assertThat(refusal(codec, searchWith("\"x\":" + nested(5))).getMessage())
        .contains("max-json-depth");

    assertThat(codec.decode(searchWith("\"x\":" + "1".repeat(10))).eventId()).isEqualTo("e1");
    assertThat(codec.decode(searchWith("\"x\":-123456.25"))).isNotNull();
    assertThat(refusal(codec, searchWith("\"x\":" + "1".repeat(11))).getMessage())
        .contains("a number of 11 characters is over max-json-number-chars (10)");
    assertThat(refusal(codec, searchWith("\"x\":1.00000000001")).getMessage())
        .contains("max-json-number-chars");

    assertThat(codec.decode(searchWith("\"x\":\"" + "s".repeat(40) + "\""))).isNotNull();
    assertThat(refusal(codec, searchWith("\"x\":\"" + "s".repeat(41) + "\"")).getMessage())
        .contains("a string is longer than max-json-string-chars (40 chars)")
        .contains("max-document-chars");

    // "schema_version" is 14 characters
    assertThat(codec.decode(searchWith("\"" + "n".repeat(14) + "\":1"))).isNotNull();
    assertThat(refusal(codec, searchWith("\"" + "n".repeat(15) + "\":1")).getMessage())
        .contains("a field name is longer than max-json-name-chars (14 chars)");

    String many = "\"x\":[" + "0,".repeat(30) + "0]";
    assertThat(refusal(codec, searchWith(many)).getMessage())
        .contains("the JSON has more than 60 tokens")
        .contains("max-json-tokens");

    byte[] big = searchWith("\"x\":\"" + " ".repeat(2_000) + "\"");
    assertThat(refusal(codec, big).getMessage())
        .isEqualTo(
            "search_event: the value is "
                + big.length
                + " bytes, over max-json-bytes (2000): split it, or"
                + " raise max-json-bytes (and the topic's max.message.bytes)");
  }

  @Test
  void everyRefusalIsUnparseableJsonAndNotAnExceptionOfAnotherKind() {
    EventCodec<SearchEvent> codec =
        new EventCodec<>(
            EventContract.SEARCH_EVENT,
            TextLimits.DEFAULTS,
            new JsonLimits(5, 10, 40, 14, 60, 2_000));
    for (String extra :
        new String[] {
          "\"x\":" + nested(50),
          "\"x\":" + "7".repeat(50),
          "\"x\":\"" + "s".repeat(99) + "\"",
          "\"" + "n".repeat(99) + "\":1",
          "\"x\":[" + "0,".repeat(99) + "0]"
        }) {
      assertThat(refusal(codec, searchWith(extra)).reason())
          .as(extra)
          .isEqualTo(DeadLetterReason.UNPARSEABLE_JSON);
    }
  }

  @Test
  void settingsOutOfRangeAreRejectedByName() {
    assertThatThrownBy(() -> new JsonLimits(0, 100, 100, 100, 100, 100))
        .hasMessage("max-json-depth must be in 1..1000, got 0");
    assertThatThrownBy(() -> new JsonLimits(1001, 100, 100, 100, 100, 100))
        .hasMessageContaining("max-json-depth");
    assertThatThrownBy(() -> new JsonLimits(64, 1001, 100, 100, 100, 100))
        .hasMessage("max-json-number-chars must be in 1..1000, got 1001");
    assertThatThrownBy(() -> new JsonLimits(64, 100, 0, 100, 100, 100))
        .hasMessage("max-json-string-chars must be >= 1, got 0");
    assertThatThrownBy(() -> new JsonLimits(64, 100, 100, 100, 0, 100))
        .hasMessage("max-json-tokens must be >= 1, got 0");
  }

  @Test
  void aStringLimitBelowTheTextLimitsContradictsThem() {
    JsonLimits small = new JsonLimits(64, 100, 50_000, 1_024, 100_000, 1 << 20);
    assertThatThrownBy(() -> EventCodecs.create(TextLimits.DEFAULTS, small))
        .hasMessageContaining(
            "max-json-string-chars (50000) must be at least max-query-chars and max-document-chars"
                + " (100000)");
    JsonLimits.DEFAULTS.requireRoomFor(TextLimits.DEFAULTS);
  }

  @Test
  void aDocumentAtTheTextLimitIsReadUnderTheDefaultJsonLimits() {
    EventCodecs codecs = EventCodecs.create(TextLimits.DEFAULTS);
    java.time.Instant t = java.time.Instant.parse("2025-01-02T03:04:05Z");
    Document doc = new Document(1, "e", "acme", t, "d1", "", "\u00e9".repeat(100_000), t);
    assertThat(codecs.documents().decode(codecs.documents().encode(doc))).isEqualTo(doc);
  }
}
