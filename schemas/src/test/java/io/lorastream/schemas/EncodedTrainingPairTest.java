package io.lorastream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EncodedTrainingPairTest {
  private final EventCodecs codecs = EventCodecs.create(TextLimits.DEFAULTS);

  /** Texts that JSON must escape or that are multi-byte in UTF-8. */
  private static final List<String> AWKWARD =
      List.of(
          "",
          "plain text",
          "quote \" and backslash \\ and slash /",
          "new\nline\ttab\rreturn\bback\fform",
          "control \u0001\u001f and DEL \u007f",
          "accents é ü ñ, CJK 中文, emoji 😀 (a surrogate pair)",
          "line separators \u2028 \u2029",
          "{\"looks\": [\"like\", \"json\"]}");

  private static EncodedTrainingPair encoded(TrainingPair p) {
    return new EncodedTrainingPair(
        p.schemaVersion(),
        p.pairId(),
        p.kind(),
        p.adapter(),
        p.tenant(),
        p.anchor(),
        text(p.positive()),
        p.positiveDocId(),
        p.negatives().stream().map(EncodedTrainingPairTest::text).toList(),
        p.negativeDocIds(),
        p.weight(),
        p.label(),
        p.sourceEventIds(),
        p.eventTime(),
        p.queryId(),
        p.impressionId(),
        p.shownDocIds());
  }

  /** As the streams app holds a passage: escaped when stored, read back from the stored form. */
  private static JsonText text(String s) {
    return JsonText.fromStored(JsonText.escape(s.getBytes(StandardCharsets.UTF_8)).stored());
  }

  private static TrainingPair pair(
      PairKind kind,
      String anchor,
      String positive,
      List<String> negatives,
      double weight,
      Double label,
      String queryId,
      String impressionId,
      Instant time) {
    List<String> negativeIds =
        negatives.stream().map(n -> "neg-" + Integer.toHexString(n.hashCode())).toList();
    return new TrainingPair(
        1,
        PairIds.of(kind, List.of("e1", "e2"), "d1", negativeIds),
        kind,
        "acme-sci",
        "acme",
        anchor,
        positive,
        "d1",
        negatives,
        negativeIds,
        weight,
        label,
        List.of("e1", "e2"),
        time,
        queryId,
        impressionId,
        impressionId == null ? List.of() : List.of("d0", "d1"));
  }

  @Test
  void writesExactlyTheBytesTheCodecWritesForEveryAwkwardText() {
    Instant t = Instant.parse("2025-01-02T03:04:05.120Z");
    for (String text : AWKWARD) {
      TrainingPair click =
          pair(
              PairKind.CLICK,
              "q " + text,
              "P " + text,
              List.of(text, "other " + text),
              1.0,
              null,
              null,
              "imp-" + text.length(),
              t);
      TrainingPair label =
          pair(
              PairKind.LABEL,
              "q",
              text.isEmpty() ? "x" : text,
              List.of(),
              0.25,
              2.0 / 3,
              "q7",
              null,
              Instant.parse("2025-01-02T03:04:05Z"));
      for (TrainingPair p : List.of(click, label)) {
        byte[] expected = codecs.trainingPairs().encode(p);
        assertThat(new String(encoded(p).toJson(), StandardCharsets.UTF_8))
            .isEqualTo(new String(expected, StandardCharsets.UTF_8));
        assertThat(encoded(p).toJson()).isEqualTo(expected);
      }
    }
  }

  @Test
  void randomUnicodePassagesRoundTripThroughTheSchemaValidatingDecoder() {
    Random rnd = new Random(42);
    for (int i = 0; i < 200; i++) {
      StringBuilder sb = new StringBuilder();
      for (int c = 0; c < 40; c++) {
        int cp =
            switch (rnd.nextInt(4)) {
              case 0 -> rnd.nextInt(0x80);
              case 1 -> 0x80 + rnd.nextInt(0x780);
              case 2 -> 0x800 + rnd.nextInt(0xD000);
              default -> 0x10000 + rnd.nextInt(0x10000);
            };
        sb.appendCodePoint(cp);
      }
      TrainingPair p =
          pair(
              PairKind.CLICK,
              "q",
              sb.toString(),
              List.of(sb.reverse().toString()),
              1.5,
              null,
              "q1",
              "imp",
              Instant.ofEpochMilli(1_700_000_000_000L + rnd.nextInt(1_000_000)));
      byte[] json = encoded(p).toJson();
      assertThat(json).isEqualTo(codecs.trainingPairs().encode(p));
      assertThat(codecs.trainingPairs().decode(json)).isEqualTo(p);
      assertThat(encoded(p).decoded()).isEqualTo(p);
    }
  }

  @Test
  void theChecksOfTrainingPairApply() {
    TrainingPair p =
        pair(PairKind.CLICK, "q", "p", List.of("n"), 1.0, null, null, "imp", Instant.EPOCH);
    assertThatThrownBy(
            () ->
                new EncodedTrainingPair(
                    1,
                    p.pairId(),
                    p.kind(),
                    "a",
                    "t",
                    "q",
                    text(""),
                    "d1",
                    List.of(text("")),
                    List.of(),
                    1.0,
                    null,
                    List.of("e"),
                    Instant.EPOCH,
                    null,
                    null,
                    List.of()))
        .hasMessageContaining("negatives and negative_doc_ids must align");
    assertThatThrownBy(
            () ->
                new EncodedTrainingPair(
                    1,
                    p.pairId(),
                    p.kind(),
                    "a",
                    "t",
                    "q",
                    text(""),
                    "d1",
                    List.of(),
                    List.of(),
                    0.0,
                    null,
                    List.of("e"),
                    Instant.EPOCH,
                    null,
                    null,
                    List.of()))
        .hasMessageContaining("weight must be a finite number > 0, got 0.0");
    assertThatThrownBy(
            () ->
                new EncodedTrainingPair(
                    1,
                    p.pairId(),
                    p.kind(),
                    "a",
                    "t",
                    "q",
                    text(""),
                    "d1",
                    List.of(),
                    List.of(),
                    1.0,
                    1.5,
                    List.of("e"),
                    Instant.EPOCH,
                    null,
                    null,
                    List.of()))
        .hasMessageContaining("label must be in [0, 1], got 1.5");
  }
}
