package io.lorastream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.bench.streams.FeedbackScenario;
import io.lorastream.bench.users.UserModel;
import io.lorastream.model.eval.BeirDataset;
import io.lorastream.schemas.PairKind;
import io.lorastream.schemas.TrainingPair;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * The SciFact scenario of the integration test, through TopologyTestDriver: the expected pairs and
 * no others.
 */
class SciFactScenarioTest {
  @Test
  void theSimulatedSciFactFeedbackYieldsExactlyTheExpectedPairs() {
    assertExactlyTheExpectedPairs(FeedbackScenario.USERS);
  }

  @Test
  void usersWhoVoteAndClickOftenYieldExactlyTheExpectedPairs() {
    // thumbs up on relevant clicks, thumbs down (hard negatives at any rank) on many short clicks
    Run run = assertExactlyTheExpectedPairs(new UserModel(1, 0, 1, 0.2, 30, 0.5, 0.3, 0.6, 0.1));
    Map<String, List<String>> negatives = new HashMap<>();
    run.scenario()
        .expectedClickPairs()
        .forEach(
            e ->
                negatives.put(
                    e.impressionId() + "|" + e.positiveDocId(),
                    e.negativeCandidates()
                        .subList(0, Math.min(run.maxNegatives(), e.negativeCandidates().size()))));
    assertThat(run.pairs().stream().filter(p -> p.kind() == PairKind.CLICK))
        .allSatisfy(
            p ->
                assertThat(p.negativeDocIds())
                    .isEqualTo(negatives.get(p.impressionId() + "|" + p.positiveDocId())));
    assertThat(negatives.values())
        .as("some thumbs-down negatives below the lowest positive")
        .anySatisfy(n -> assertThat(n).isNotEmpty());
  }

  private record Run(FeedbackScenario scenario, List<TrainingPair> pairs, int maxNegatives) {}

  private static Run assertExactlyTheExpectedPairs(UserModel users) {
    // 40 impressions: TopologyTestDriver commits after every record, so a few hundred events take
    // seconds
    BeirDataset scifact =
        BeirDataset.load(Path.of(System.getProperty("lorastream.datasets")).resolve("scifact"));
    try (TopologyHarness h =
        new TopologyHarness(FeedbackTopologyTest.config(Map.of("window", "20s", "grace", "5s")))) {
      FeedbackScenario s =
          FeedbackScenario.generate(
              scifact,
              h.config.topics(),
              new FeedbackScenario.Settings(
                  40, 10, users, 2_000, 42, TopologyHarness.T0.minusSeconds(7200), "scifact"));
      // only the documents the impressions show: piping all 5,183 through the driver would take
      // minutes
      Set<String> shown =
          s.events().stream()
              .filter(e -> e.topic().equals(h.config.topics().searchEvents()))
              .flatMap(
                  e ->
                      h.codecs.searchEvents().decode(e.value()).results().stream()
                          .map(r -> r.docId()))
              .collect(Collectors.toSet());
      s.documents().stream()
          .filter(e -> shown.contains(e.key()))
          .forEach(e -> h.documents.pipeInput(record(e)));
      for (FeedbackScenario.Event e : s.events()) {
        var topic =
            e.topic().equals(h.config.topics().searchEvents())
                ? h.searches
                : e.topic().equals(h.config.topics().interactions()) ? h.interactions : h.labels;
        topic.pipeInput(record(e));
      }
      h.advanceStreamTime(0);
      var pairs = h.readPairs();
      Set<String> clicks =
          pairs.stream()
              .filter(p -> p.kind() == PairKind.CLICK)
              .map(p -> p.impressionId() + "|" + p.positiveDocId())
              .collect(Collectors.toSet());
      Set<String> expected =
          s.expectedClickPairs().stream()
              .map(e -> e.impressionId() + "|" + e.positiveDocId())
              .collect(Collectors.toSet());
      assertThat(h.readDeadLetters()).isEmpty();
      assertThat(clicks).isEqualTo(expected);
      assertThat(pairs).hasSize(s.expectedClickPairs().size() + s.expectedLabelPairs().size());
      assertThat(pairs).extracting(TrainingPair::pairId).doesNotHaveDuplicates();
      return new Run(s, pairs, h.config.rules().maxNegatives());
    }
  }

  private static TestRecord<byte[], byte[]> record(FeedbackScenario.Event e) {
    return new TestRecord<>(
        TopologyHarness.utf8(e.key()), e.value(), Instant.ofEpochMilli(e.timestampMs()));
  }
}
