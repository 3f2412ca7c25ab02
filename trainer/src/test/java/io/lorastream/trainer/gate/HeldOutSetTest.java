package io.lorastream.trainer.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.trainer.pairs.BufferedPair;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HeldOutSetTest {

  private static BufferedPair pair(String query, String pos, Double label, String... negs) {
    return new BufferedPair(
        "id-" + query + pos,
        query,
        "text " + pos,
        pos,
        List.of(negs).stream().map(n -> "text " + n).toList(),
        List.of(negs),
        1,
        label,
        0);
  }

  @Test
  void heldOutPairsGiveQueriesTheirPositivesAndEveryPairFillsThePool() {
    HeldOutSet s = new HeldOutSet(10, 100);
    s.addHeldOut("q1", pair("scurvy", "d1", null, "d2"));
    s.addHeldOut("q1", pair("scurvy", "d3", 1.0));
    s.addHeldOut("q2", pair("flu", "d4", 1.0 / 3)); // a grade-1 label is not relevant
    s.addPoolDocuments(pair("trained", "d5", null, "d6"));
    assertThat(s.relevant()).containsEntry("q1", Set.of("d1", "d3")).containsEntry("q2", Set.of());
    assertThat(s.scorableQueryTexts()).containsOnlyKeys("q1");
    assertThat(s.pool()).containsOnlyKeys("d1", "d2", "d3", "d4", "d5", "d6");
  }

  @Test
  void boundsDropTheOldestQueriesAndUnneededDocumentsFirst() {
    HeldOutSet s = new HeldOutSet(2, 3);
    s.addHeldOut("q1", pair("a", "d1", null));
    s.addPoolDocuments(pair("x", "d2", null, "d3"));
    s.addHeldOut("q2", pair("b", "d4", null));
    s.addHeldOut("q3", pair("c", "d5", null));
    assertThat(s.queryCount()).isEqualTo(2);
    assertThat(s.relevant()).containsOnlyKeys("q2", "q3");
    // d4 and d5 are needed; the oldest unneeded go first: d1 (its query was dropped), d2, then d3
    assertThat(s.pool()).containsOnlyKeys("d3", "d4", "d5");
  }

  @Test
  void aSetRebuiltFromItsListsEqualsTheOriginal() {
    HeldOutSet s = new HeldOutSet(5, 50);
    s.addHeldOut("q1", pair("a", "d1", null, "d2"));
    s.addPoolDocuments(pair("b", "d3", null));
    HeldOutSet r = HeldOutSet.of(5, 50, s.queryList(), s.docList());
    assertThat(r.queryList()).isEqualTo(s.queryList());
    assertThat(r.docList()).isEqualTo(s.docList());
  }
}
