package io.lorastream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PairIdsTest {
  @Test
  void theSameSourcesInAnyOrderGiveTheSameId() {
    String a = PairIds.of(PairKind.CLICK, List.of("e1", "e2", "e3"), "d1", List.of("d2", "d3"));
    String b = PairIds.of(PairKind.CLICK, List.of("e3", "e1", "e2"), "d1", List.of("d2", "d3"));
    assertThat(a).isEqualTo(b).matches("[0-9a-f]{64}");
  }

  @Test
  void kindPositiveAndNegativesEachChangeTheId() {
    String base = PairIds.of(PairKind.CLICK, List.of("e1"), "d1", List.of("d2"));
    assertThat(PairIds.of(PairKind.LABEL, List.of("e1"), "d1", List.of("d2"))).isNotEqualTo(base);
    assertThat(PairIds.of(PairKind.CLICK, List.of("e1"), "d9", List.of("d2"))).isNotEqualTo(base);
    assertThat(PairIds.of(PairKind.CLICK, List.of("e1"), "d1", List.of())).isNotEqualTo(base);
    // A source id cannot be confused with a doc id: the positive is marked.
    assertThat(PairIds.of(PairKind.CLICK, List.of("e1", "d1"), "x", List.of()))
        .isNotEqualTo(PairIds.of(PairKind.CLICK, List.of("e1"), "d1", List.of()));
  }

  @Test
  void gradesMapToLabelsInThirds() {
    assertThat(TrainingPair.labelOfGrade(0)).isEqualTo(0.0);
    assertThat(TrainingPair.labelOfGrade(2)).isEqualTo(2.0 / 3);
    assertThat(TrainingPair.labelOfGrade(3)).isEqualTo(1.0);
  }
}
