package io.lorastream.trainer;

import io.lorastream.schemas.PairIds;
import io.lorastream.schemas.PairKind;
import io.lorastream.schemas.SchemaVersion;
import io.lorastream.schemas.TrainingPair;
import io.lorastream.trainer.pairs.BufferedPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Short synthetic training pairs: a fixed stream for tests. */
public final class Pairs {

  private static final String[] TOPICS = {
    "heart attack", "aspirin dose", "gene editing", "stem cells", "insulin resistance",
        "air pollution",
    "yeast stress", "t cells", "vitamin d", "sleep apnea", "malaria vaccine", "gut bacteria"
  };

  private Pairs() {}

  /**
   * Pair {@code i} of the stream for {@code adapter}: a query on one of twelve topics, its study
   * and a negative.
   */
  public static TrainingPair click(String adapter, int i) {
    String topic = TOPICS[i % TOPICS.length];
    String doc = "doc-" + (i % TOPICS.length);
    String neg = "doc-" + ((i + 5) % TOPICS.length);
    List<String> sources = List.of("event-" + adapter + "-" + i);
    return new TrainingPair(
        SchemaVersion.CURRENT,
        PairIds.of(PairKind.CLICK, sources, doc, List.of(neg)),
        PairKind.CLICK,
        adapter,
        "tenant",
        "what about " + topic + " " + (i / TOPICS.length),
        "a study of " + topic + " found effects",
        doc,
        List.of("a study of " + TOPICS[(i + 5) % TOPICS.length] + " found effects"),
        List.of(neg),
        1.0,
        null,
        sources,
        Instant.ofEpochMilli(1_700_000_000_000L + i),
        null,
        "imp-" + i,
        List.of(neg, doc));
  }

  public static List<TrainingPair> stream(String adapter, int n) {
    List<TrainingPair> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(click(adapter, i));
    }
    return out;
  }

  public static BufferedPair buffered(int i) {
    return BufferedPair.of(click("a", i), 4);
  }
}
