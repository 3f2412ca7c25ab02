package io.lorastream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.schemas.EventCodecs;
import io.lorastream.streams.config.FeedbackStreamsConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/**
 * How the topology splits into sub-topologies, which is what decides what a task waits for: a task
 * reads its inputs in event-time order and, when one of them runs dry, waits up to {@code
 * max-task-idle} for it.
 */
class FeedbackTopologyShapeTest {

  /** Processor name to the input topics of its sub-topology. */
  private static Map<String, Set<String>> inputsByProcessor(FeedbackStreamsConfig config) {
    FeedbackMetrics metrics = new FeedbackMetrics(new SimpleMeterRegistry(), 5);
    TopologyDescription d =
        FeedbackTopology.build(config, EventCodecs.create(config.limits()), metrics).describe();
    Map<String, Set<String>> byProcessor = new TreeMap<>();
    for (TopologyDescription.Subtopology sub : d.subtopologies()) {
      Set<String> inputs = new TreeSet<>();
      sub.nodes().stream()
          .filter(n -> n instanceof TopologyDescription.Source)
          .forEach(n -> inputs.addAll(((TopologyDescription.Source) n).topicSet()));
      sub.nodes().stream()
          .filter(n -> n instanceof TopologyDescription.Processor)
          .forEach(n -> byProcessor.put(n.name(), inputs));
    }
    return byProcessor;
  }

  @Test
  void impressionsWaitOnlyForTheirOwnTwoInputsNotForQuietDocumentsOrLabels() {
    FeedbackStreamsConfig config = FeedbackTopologyTest.config(Map.of());
    var topics = config.topics();

    Map<String, Set<String>> inputs = inputsByProcessor(config);

    assertThat(inputs.get(FeedbackTopology.IMPRESSIONS))
        .containsExactlyInAnyOrder(topics.searchEvents(), topics.interactions());
    assertThat(inputs.get(FeedbackTopology.LABELS)).containsExactly(topics.relevanceLabels());
    assertThat(inputs.get(FeedbackTopology.DOCUMENTS)).containsExactly(topics.documents());
  }
}
