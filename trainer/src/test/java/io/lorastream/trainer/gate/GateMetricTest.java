package io.lorastream.trainer.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GateMetricTest {

  // x was never shown for the query; y was shown and not clicked; a and b were clicked
  private static final List<String> RANKING = List.of("x", "a", "y", "b");
  private static final Map<String, Double> GAINS = Map.of("a", 1.0, "b", 1.0);
  private static final Set<String> JUDGED = Set.of("a", "b", "y");

  @Test
  void fullCountsAnUnjudgedDocumentAsNotRelevant() {
    // DCG = 1/log2(3) + 1/log2(5); ideal 1 + 1/log2(3)
    assertThat(GateMetric.FULL.ndcgAt10(RANKING, GAINS, JUDGED))
        .isCloseTo(0.6509209298071326, within(1e-12));
  }

  @Test
  void condensedLeavesUnjudgedDocumentsOutOfTheRanking() {
    // [a, y, b]: DCG = 1 + 1/log2(4); ideal 1 + 1/log2(3)
    assertThat(GateMetric.CONDENSED.ndcgAt10(RANKING, GAINS, JUDGED))
        .isCloseTo(0.9197207891481876, within(1e-12));
    // with every document judged it is the full metric
    assertThat(GateMetric.CONDENSED.ndcgAt10(RANKING, GAINS, null))
        .isEqualTo(GateMetric.FULL.ndcgAt10(RANKING, GAINS, null));
  }

  @Test
  void gainsAreGraded() {
    // condensed [b, a] with gains a = 2, b = 1: (1 + 2/log2(3)) / (2 + 1/log2(3))
    assertThat(
            GateMetric.CONDENSED.ndcgAt10(
                List.of("z", "b", "a"), Map.of("a", 2.0, "b", 1.0), Set.of("a", "b")))
        .isCloseTo(0.8597186998521972, within(1e-12));
  }

  @Test
  void namesParseAsConfigured() {
    assertThat(GateMetric.parse(" Condensed ")).isEqualTo(GateMetric.CONDENSED);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> GateMetric.parse("inferred"))
        .hasMessageContaining("condensed or full");
  }
}
