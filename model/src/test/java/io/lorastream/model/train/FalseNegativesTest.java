package io.lorastream.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FalseNegativesTest {

  private static TrainingExample pair(
      String anchor, String positiveId, List<String> negativeIds, Set<String> relevant) {
    return new TrainingExample(
        anchor,
        "text of " + positiveId,
        negativeIds.stream().map(id -> "text of " + id).toList(),
        1.0,
        null,
        positiveId,
        negativeIds,
        relevant);
  }

  @Test
  void nothingIsMaskedWhenNoCandidateIsKnownRelevant() {
    List<TrainingExample> batch =
        List.of(
            pair("heart attack", "d1", List.of("d9"), Set.of("d1")),
            pair("stroke", "d2", List.of(), Set.of("d2")));
    assertThat(FalseNegatives.mask(batch)).isNull();
  }

  @Test
  void aKnownPositiveIsMaskedWhereverItAppearsAndOnlyForTheAnchorsThatKnowIt() {
    // candidates: [d1, d2, d3 | d2 (negative of pair 0), d5 (negative of pair 2)]
    List<TrainingExample> batch =
        List.of(
            pair("heart attack", "d1", List.of("d2"), Set.of("d1", "d3")),
            pair("myocardial infarction", "d2", List.of(), Set.of("d2")),
            pair("stroke", "d3", List.of("d5"), Set.of("d3")));
    boolean[] m = FalseNegatives.mask(batch);
    int n = 5;
    // anchor 0 knows d3 is relevant: the positive of pair 2 is masked for it, its own hard negative
    // d2 is not
    assertThat(row(m, 0, n)).containsExactly(false, false, true, false, false);
    // anchor 1's own positive d2 comes back as pair 0's hard negative: the same document, masked
    assertThat(row(m, 1, n)).containsExactly(false, false, false, true, false);
    assertThat(row(m, 2, n)).containsExactly(false, false, false, false, false);
  }

  @Test
  void anotherPairOfTheSameQueryIsNeverANegativeWhateverItsSpelling() {
    List<TrainingExample> batch =
        List.of(
            pair("Heart  attack ", "d1", List.of(), Set.of()),
            pair("heart attack", "d2", List.of(), Set.of()));
    boolean[] m = FalseNegatives.mask(batch);
    assertThat(m).containsExactly(false, true, true, false);
  }

  @Test
  void documentsWithoutIdsAreIdentifiedByTheirText() {
    List<TrainingExample> batch =
        List.of(TrainingExample.of("q1", "same text"), TrainingExample.of("q2", "same text"));
    assertThat(FalseNegatives.mask(batch)).containsExactly(false, true, true, false);
  }

  private static boolean[] row(boolean[] m, int i, int n) {
    boolean[] r = new boolean[n];
    System.arraycopy(m, i * n, r, 0, n);
    return r;
  }
}
