package io.lorastream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.schemas.PairKind;
import io.lorastream.schemas.TrainingPair;
import io.lorastream.bench.streams.BeirDataset;
import io.lorastream.bench.streams.FeedbackScenario;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/** The SciFact scenario of the integration test, through TopologyTestDriver: the expected pairs and no others. */
class SciFactScenarioTest {
  @Test
  void theSimulatedSciFactFeedbackYieldsExactlyTheExpectedPairs() {
    // 40 impressions: TopologyTestDriver commits after every record, so a few hundred events take seconds
    BeirDataset scifact =
        BeirDataset.load(Path.of(System.getProperty("lorastream.datasets")).resolve("scifact"), "train");
    try (TopologyHarness h = new TopologyHarness(FeedbackTopologyTest.config(Map.of("window", "20s", "grace", "5s")))) {
      FeedbackScenario s = FeedbackScenario.generate(scifact, h.config.topics(),
          new FeedbackScenario.Settings(40, 10, 0.3, 0.1, 2_000, 42,
              TopologyHarness.T0.minusSeconds(7200), "scifact"));
      // only the documents the impressions show: piping all 5,183 through the driver would take minutes
      Set<String> shown = s.events().stream().filter(e -> e.topic().equals(h.config.topics().searchEvents()))
          .flatMap(e -> h.codecs.searchEvents().decode(e.value()).results().stream().map(r -> r.docId()))
          .collect(Collectors.toSet());
      s.documents().stream().filter(e -> shown.contains(e.key())).forEach(e -> h.documents.pipeInput(record(e)));
      for (FeedbackScenario.Event e : s.events()) {
        var topic = e.topic().equals(h.config.topics().searchEvents()) ? h.searches
            : e.topic().equals(h.config.topics().interactions()) ? h.interactions : h.labels;
        topic.pipeInput(record(e));
      }
      h.advanceStreamTime(0);
      var pairs = h.readPairs();
      Set<String> clicks = pairs.stream().filter(p -> p.kind() == PairKind.CLICK)
          .map(p -> p.impressionId() + "|" + p.positiveDocId()).collect(Collectors.toSet());
      Set<String> expected = s.expectedClickPairs().stream().map(e -> e.impressionId() + "|" + e.positiveDocId())
          .collect(Collectors.toSet());
      assertThat(h.readDeadLetters()).isEmpty();
      assertThat(clicks).isEqualTo(expected);
      assertThat(pairs).hasSize(s.expectedClickPairs().size() + s.expectedLabelPairs().size());
      assertThat(pairs).extracting(TrainingPair::pairId).doesNotHaveDuplicates();
    }
  }

  private static TestRecord<byte[], byte[]> record(FeedbackScenario.Event e) {
    return new TestRecord<>(TopologyHarness.utf8(e.key()), e.value(), Instant.ofEpochMilli(e.timestampMs()));
  }
}
