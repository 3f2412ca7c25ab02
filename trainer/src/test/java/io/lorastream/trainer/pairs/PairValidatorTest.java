package io.lorastream.trainer.pairs;

import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.schemas.DeadLetterReason;
import io.lorastream.schemas.PairIds;
import io.lorastream.schemas.PairKind;
import io.lorastream.schemas.SchemaVersion;
import io.lorastream.schemas.TrainingPair;
import io.lorastream.trainer.AdapterSettings;
import io.lorastream.trainer.TrainerConfigFiles;
import io.lorastream.trainer.TrainerLimits;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class PairValidatorTest {

  private static final TrainerLimits LIMITS = TrainerLimits.DEFAULTS;
  private static final AdapterSettings ADAPTER =
      AdapterSettings.DEFAULTS; // max-seq-length 256: texts kept to 16384 chars

  private static TrainingPair pair(
      String anchor, String positive, List<String> negatives, double weight, List<String> shown) {
    List<String> negIds = negatives.stream().map(n -> "n" + n.length()).toList();
    List<String> sources = List.of("e1");
    return new TrainingPair(
        SchemaVersion.CURRENT,
        PairIds.of(PairKind.CLICK, sources, "d1", negIds),
        PairKind.CLICK,
        "a",
        "t",
        anchor,
        positive,
        "d1",
        negatives,
        negIds,
        weight,
        null,
        sources,
        Instant.EPOCH,
        null,
        null,
        shown);
  }

  private static PairValidator.Violation check(TrainingPair p) {
    return PairValidator.check(p, LIMITS, ADAPTER);
  }

  @Test
  void aWellFormedPairPasses() {
    assertThat(check(pair("q", "a doc", List.of("other"), 1, List.of("d1", "n5")))).isNull();
    assertThat(check(pair("q", "x".repeat(100_000), List.of(), 100, List.of()))).isNull();
  }

  @Test
  void aWeightThatIsNotAFiniteFloatInRangeIsOutOfRange() {
    for (double w : new double[] {1e39, 3.4e38, 100.5, 1e-39}) {
      PairValidator.Violation v = check(pair("q", "doc", List.of(), w, List.of()));
      assertThat(v).as("weight %s", w).isNotNull();
      assertThat(v.reason()).isEqualTo(DeadLetterReason.OUT_OF_RANGE);
      assertThat(v.message()).contains("weight " + w).contains("max-pair-weight");
    }
    assertThat(check(pair("q", "doc", List.of(), 1e39, List.of())).message())
        .contains("Infinity as a float");
  }

  @Test
  void emptyOrOverLongTextsAndOverLongListsOrIdsAreRefusedWithTheirReason() {
    assertThat(check(pair("q", "  ", List.of(), 1, List.of())).reason())
        .isEqualTo(DeadLetterReason.EMPTY_TEXT);
    assertThat(check(pair("q", "doc", List.of(""), 1, List.of())).message())
        .contains("negatives[0] is empty");
    PairValidator.Violation tooLong =
        check(pair("q", "x".repeat(100_001), List.of(), 1, List.of()));
    assertThat(tooLong.reason()).isEqualTo(DeadLetterReason.TEXT_TOO_LONG);
    assertThat(tooLong.message())
        .contains("positive is 100001 chars, over the limit of 100000")
        .contains("max-text-chars");
    assertThat(check(pair("q", "doc", Collections.nCopies(65, "n"), 1, List.of())).reason())
        .isEqualTo(DeadLetterReason.OVER_LIMIT);
    assertThat(check(pair("q", "doc", List.of(), 1, Collections.nCopies(1001, "d"))).message())
        .contains("max-shown-docs");
    assertThat(check(pair("q", "doc", List.of(), 1, List.of("d".repeat(257)))).message())
        .contains("shown_doc_ids[0] is 257 chars, over max-id-chars 256");
  }

  @Test
  void theTextLimitIsTheStreamsAppsDocumentLimitUnlessSetAndKeptTextsFollowMaxSeqLength() {
    AdapterSettings short24 =
        TrainerConfigFiles.adapter(java.util.Map.of("max-seq-length", "24"), "test");
    assertThat(LIMITS.maxTextChars(short24)).isEqualTo(100_000);
    assertThat(TrainerLimits.keptTextChars(short24)).isEqualTo(24 * 64);
    // a long document is taken, cut to what max-seq-length can use, never inside a surrogate pair
    String text = "x".repeat(24 * 64 - 1) + "\uD83D\uDE00" + "tail";
    BufferedPair kept =
        BufferedPair.of(
            pair("q", text, List.of(text), 1, List.of()), 4, TrainerLimits.keptTextChars(short24));
    assertThat(kept.positive()).hasSize(24 * 64 - 1);
    assertThat(kept.negatives()).containsExactly(kept.positive());
    assertThat(kept.anchor()).isEqualTo("q");
    TrainerLimits fixed = new TrainerLimits(100, 100, 64, 1000, 256, 256, 50_000, 64, 1L << 30);
    assertThat(fixed.maxTextChars(short24)).isEqualTo(100);
    assertThat(
            PairValidator.check(pair("q", "x".repeat(101), List.of(), 1, List.of()), fixed, ADAPTER)
                .reason())
        .isEqualTo(DeadLetterReason.TEXT_TOO_LONG);
  }
}
