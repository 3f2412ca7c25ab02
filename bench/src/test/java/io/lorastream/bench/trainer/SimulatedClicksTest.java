package io.lorastream.bench.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.bench.users.UserModel;
import io.lorastream.model.Embedder;
import io.lorastream.model.InputType;
import io.lorastream.model.eval.BeirDataset;
import io.lorastream.model.eval.EmbeddingMatrix;
import io.lorastream.schemas.TrainingPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Click pairs from the shared user model: the thorough user clicks exactly the relevant docs the
 * base shows.
 */
class SimulatedClicksTest {

  @TempDir Path dir;

  /**
   * Every query gets the same ranking, d1 first: the corpus rows score 6, 5, ..., 1 against any
   * query.
   */
  private static final Embedder SAME_QUERY =
      new Embedder() {
        @Override
        public int dimension() {
          return 1;
        }

        @Override
        public float[][] embed(List<String> texts, InputType type) {
          return texts.stream().map(t -> new float[] {1}).toArray(float[][]::new);
        }
      };

  private BeirDataset dataset() throws Exception {
    List<String> corpus = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      corpus.add("{\"_id\": \"d" + i + "\", \"title\": \"\", \"text\": \"doc " + i + "\"}");
    }
    Files.write(dir.resolve("corpus.jsonl"), corpus);
    Files.write(
        dir.resolve("queries.jsonl"),
        List.of("{\"_id\": \"q1\", \"text\": \"one\"}", "{\"_id\": \"q2\", \"text\": \"two\"}"));
    Files.createDirectories(dir.resolve("qrels"));
    Files.write(
        dir.resolve("qrels/train.tsv"),
        List.of("query-id\tcorpus-id\tscore", "q1\td2\t1", "q1\td5\t1", "q2\td6\t1"));
    return BeirDataset.load(dir);
  }

  private static EmbeddingMatrix index() {
    List<String> ids = IntStream.rangeClosed(1, 6).mapToObj(i -> "d" + i).toList();
    float[][] rows =
        IntStream.rangeClosed(1, 6).mapToObj(i -> new float[] {7 - i}).toArray(float[][]::new);
    return EmbeddingMatrix.of(ids, rows);
  }

  @Test
  void theThoroughUserClicksEveryRelevantDocShownWithTheNonRelevantOnesAboveAsNegatives()
      throws Exception {
    List<TrainingPair> pairs =
        SimulatedClicks.pairs(
            dataset(),
            "train",
            index(),
            SAME_QUERY,
            5,
            2,
            "a",
            "t",
            Instant.parse("2025-01-01T00:00:00Z"));

    // q1 is shown d1..d5: d2 and d5 are clicked; q2's d6 is not shown, so never clicked
    assertThat(pairs).extracting(TrainingPair::positiveDocId).containsExactly("d2", "d5");
    assertThat(pairs.get(0).negativeDocIds()).containsExactly("d1");
    assertThat(pairs.get(1).negativeDocIds())
        .containsExactly("d1", "d3"); // at most 2, in rank order
    assertThat(pairs.get(1).sourceEventIds())
        .containsExactly("click-imp-train-q1-d5", "imp-train-q1");
    assertThat(pairs.get(1).shownDocIds()).containsExactly("d1", "d2", "d3", "d4", "d5");
  }

  @Test
  void otherUsersGiveTheSamePairsForTheSameSeed() throws Exception {
    BeirDataset data = dataset();
    UserModel users = UserModel.DEFAULT;
    Instant t = Instant.parse("2025-01-01T00:00:00Z");
    List<TrainingPair> first = new ArrayList<>();
    List<TrainingPair> second = new ArrayList<>();
    for (int seed = 0; seed < 20; seed++) {
      first.addAll(
          SimulatedClicks.pairs(
              data, "train", index(), SAME_QUERY, 5, 4, "a", "t", t, users, seed));
      second.addAll(
          SimulatedClicks.pairs(
              data, "train", index(), SAME_QUERY, 5, 4, "a", "t", t, users, seed));
    }
    assertThat(first).isEqualTo(second).isNotEmpty();
    assertThat(first).extracting(TrainingPair::positiveDocId).containsOnly("d2", "d5");
  }
}
