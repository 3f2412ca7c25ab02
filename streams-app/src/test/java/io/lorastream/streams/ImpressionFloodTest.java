package io.lorastream.streams;

import static io.lorastream.streams.TopologyHarness.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.schemas.DeadLetterReason;
import io.lorastream.schemas.Interaction;
import io.lorastream.schemas.InteractionType;
import io.lorastream.schemas.TrainingPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One impression flooded with interactions, through TopologyTestDriver (which commits, and so
 * flushes the stores' caches to their changelogs, after every record): the cap, the byte bound, and
 * the work per interaction.
 */
class ImpressionFloodTest {
  private TopologyHarness h;

  @AfterEach
  void close() {
    if (h != null) {
      h.close();
    }
  }

  private static int bytes(List<TestRecord<byte[], byte[]>> records) {
    return records.stream()
        .mapToInt(r -> r.key().length + (r.value() == null ? 0 : r.value().length))
        .sum();
  }

  @Test
  void eachInteractionWritesOnlyItselfToTheStateNotTheImpressionsEarlierInteractions() {
    h = new TopologyHarness(FeedbackTopologyTest.config(Map.of()));
    h.documents(2);
    h.search("imp1", "acme", "q", 0, "d1", "d2");
    h.changelog(FeedbackTopology.IMPRESSIONS_STORE);
    h.changelog(FeedbackTopology.INTERACTIONS_STORE);
    List<Integer> written = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      h.click("imp1", "d1", 1_000L, 1 + i / 10);
      assertThat(h.changelog(FeedbackTopology.IMPRESSIONS_STORE))
          .as("impression state rewritten")
          .isEmpty();
      List<TestRecord<byte[], byte[]>> out = h.changelog(FeedbackTopology.INTERACTIONS_STORE);
      assertThat(out).hasSize(1);
      written.add(bytes(out));
    }
    // One record of the interaction's own size each time, whatever the impression held: the 200th
    // costs what the
    // 1st did (ids "ix-4" to "ix-203" differ by at most 2 digits, in key and value twice over),
    // where a state that
    // kept the list rewrote all of it (~500 bytes per interaction already there).
    assertThat(written.get(199) - written.get(0)).isBetween(0, 2 * 4);
    h.click("imp1", "d2", 30_000L, 30);
    h.advanceStreamTime(71);
    assertThat(h.readPairs()).extracting(TrainingPair::positiveDocId).containsExactly("d2");
    // at close, each interaction is deleted once
    assertThat(
            h.changelog(FeedbackTopology.INTERACTIONS_STORE).stream()
                .filter(r -> r.value() == null))
        .hasSize(201);
  }

  @Test
  void interactionsPastTheCapAreDeadLetteredAndTheOnesKeptStillMakeTheirPairs() {
    h =
        new TopologyHarness(
            FeedbackTopologyTest.config(Map.of("max-interactions-per-impression", "5")));
    h.documents(3);
    h.search("imp1", "acme", "q", 0, "d1", "d2", "d3");
    List<Interaction> sent = new ArrayList<>();
    sent.add(h.click("imp1", "d2", 30_000L, 1)); // a positive, kept
    for (int i = 0; i < 4; i++) {
      sent.add(h.click("imp1", "d1", 1_000L, 2 + i)); // short clicks: neither positive nor negative
    }
    List<Interaction> over = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      over.add(h.interact("imp1", "d3", InteractionType.THUMBS_UP, null, 10 + i));
    }
    h.pipeInteraction(sent.get(0)); // a replay of a kept one is a duplicate, not a refusal

    List<TopologyHarness.Letter> letters = h.readDeadLetters();
    assertThat(letters)
        .hasSize(3)
        .allSatisfy(
            l -> {
              assertThat(l.reason()).isEqualTo(DeadLetterReason.IMPRESSION_FULL);
              assertThat(l.letter().message())
                  .contains(
                      "impression imp1 already holds 5 interactions",
                      "max-interactions-per-impression");
            });
    assertThat(letters)
        .extracting(TopologyHarness.Letter::value)
        .containsExactlyElementsOf(over.stream().map(h.codecs.interactions()::encode).toList());
    assertThat(h.counter("lorastream.streams.duplicates", "type", "interaction")).isEqualTo(1);
    assertThat(h.counter("lorastream.streams.dead.letters", "reason", "impression_full"))
        .isEqualTo(3);

    // the refused thumbs-up on d3 never counted: d2 is the one positive, d1 (clicked) is no
    // negative
    h.advanceStreamTime(71);
    assertThat(h.readPairs())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.positiveDocId()).isEqualTo("d2");
              assertThat(p.negativeDocIds()).isEmpty();
              assertThat(p.sourceEventIds()).hasSize(2);
            });
  }

  @Test
  void anImpressionsInteractionsStayWithinMaxImpressionBytes() {
    h = new TopologyHarness(FeedbackTopologyTest.config(Map.of("max-impression-bytes", "4096")));
    h.documents(2);
    h.search("imp1", "acme", "q", 0, "d1", "d2");
    String padding =
        "p".repeat(900); // an extra field the contract ignores, kept with the original record
    int kept = 0;
    int refused = 0;
    for (int i = 0; i < 6; i++) {
      String json =
          "{\"schema_version\":1,\"event_id\":\"big-"
              + i
              + "\",\"tenant\":\"acme\",\"event_time\":\""
              + TopologyHarness.at(1 + i)
              + "\",\"impression_id\":\"imp1\",\"doc_id\":\"d2\",\"type\":\"click\","
              + "\"dwell_ms\":30000,\"padding\":\""
              + padding
              + "\"}";
      h.interactions.pipeInput(
          new TestRecord<>(utf8("imp1"), utf8(json), TopologyHarness.at(1 + i)));
      List<TopologyHarness.Letter> letters = h.readDeadLetters();
      if (letters.isEmpty()) {
        kept++;
      } else {
        refused++;
        assertThat(letters)
            .singleElement()
            .satisfies(
                l -> {
                  assertThat(l.reason()).isEqualTo(DeadLetterReason.IMPRESSION_FULL);
                  assertThat(l.letter().message())
                      .contains("would pass max-impression-bytes (4096)");
                });
      }
    }
    // each entry holds the ~1.1 KB record and its decoded form: three fit in 4,096 bytes, the
    // fourth would not
    assertThat(kept).isEqualTo(3);
    assertThat(refused).isEqualTo(3);
    int live = bytes(h.changelog(FeedbackTopology.INTERACTIONS_STORE));
    assertThat(live).isLessThanOrEqualTo(4096);
    h.advanceStreamTime(71);
    assertThat(h.readPairs())
        .singleElement()
        .satisfies(p -> assertThat(p.sourceEventIds()).hasSize(4));
  }
}
