package io.lorastream.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExactSearchTest {

  @Test
  void topKEqualsAFullSortOfAllScores() {
    Random rnd = new Random(7);
    int n = 1300; // more than two document blocks
    int d = 37; // not a multiple of the unrolled dot product's 4 lanes
    List<String> ids = new ArrayList<>();
    float[][] rows = new float[n][];
    for (int i = 0; i < n; i++) {
      ids.add("doc" + i);
      rows[i] = unit(rnd, d);
    }
    EmbeddingMatrix docs = EmbeddingMatrix.of(ids, rows);
    float[][] queries = new float[40][];
    for (int q = 0; q < queries.length; q++) {
      queries[q] = unit(rnd, d);
    }

    List<List<ScoredDoc>> top = ExactSearch.topK(queries, docs, 25);

    for (int q = 0; q < queries.length; q++) {
      List<ScoredDoc> all = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        all.add(new ScoredDoc(ids.get(i), ExactSearch.dot(queries[q], docs.values(), i * d, d)));
      }
      all.sort(
          Comparator.comparingDouble(ScoredDoc::score)
              .reversed()
              .thenComparing(ScoredDoc::docId, Comparator.reverseOrder()));
      assertThat(top.get(q)).containsExactlyElementsOf(all.subList(0, 25));
      // the 4-lane float dot product agrees with a double-precision sum
      for (ScoredDoc hit : top.get(q)) {
        float[] row = rows[ids.indexOf(hit.docId())];
        double exact = 0;
        for (int j = 0; j < d; j++) {
          exact += (double) queries[q][j] * row[j];
        }
        assertThat((double) hit.score()).isCloseTo(exact, within(1e-6));
      }
    }
  }

  @Test
  void equalScoresPutTheLargerIdFirstAndKeepItAtTheCutOff() {
    // four documents score exactly 1 for the query; ST's (score, id) min-heap would evict "a" and
    // "b"
    EmbeddingMatrix docs =
        EmbeddingMatrix.of(
            List.of("b", "d", "a", "c", "z"),
            new float[][] {{1, 0}, {1, 0}, {1, 0}, {1, 0}, {0, 1}});
    List<ScoredDoc> top = ExactSearch.topK(new float[][] {{1, 0}}, docs, 2).get(0);
    assertThat(top).extracting(ScoredDoc::docId).containsExactly("d", "c");
  }

  @Test
  void aPoolSmallerThanKComesBackWhole() {
    EmbeddingMatrix docs = EmbeddingMatrix.of(List.of("x", "y"), new float[][] {{0, 1}, {1, 0}});
    List<ScoredDoc> top = ExactSearch.topK(new float[][] {{1, 0}}, docs, 100).get(0);
    assertThat(top).extracting(ScoredDoc::docId).containsExactly("y", "x");
    assertThat(top.get(0).score()).isEqualTo(1f);
  }

  @Test
  void queriesOfTheWrongWidthAreRejected() {
    EmbeddingMatrix docs = EmbeddingMatrix.of(List.of("x"), new float[][] {{0, 1}});
    assertThatThrownBy(() -> ExactSearch.topK(new float[][] {{1, 0, 0}}, docs, 1))
        .hasMessageContaining("query 0 has 3 dimensions, documents have 2");
  }

  @Test
  void aMatrixRejectsRepeatedIdsAndRaggedRows() {
    assertThatThrownBy(() -> EmbeddingMatrix.of(List.of("x", "x"), new float[][] {{1}, {1}}))
        .hasMessageContaining("'x' appears twice");
    assertThatThrownBy(() -> EmbeddingMatrix.of(List.of("x", "y"), new float[][] {{1}, {1, 2}}))
        .hasMessageContaining("row 1 (id 'y') has 2 dimensions");
  }

  private static float[] unit(Random rnd, int d) {
    float[] v = new float[d];
    double sq = 0;
    for (int i = 0; i < d; i++) {
      v[i] = (float) rnd.nextGaussian();
      sq += v[i] * v[i];
    }
    for (int i = 0; i < d; i++) {
      v[i] /= (float) Math.sqrt(sq);
    }
    return v;
  }
}
