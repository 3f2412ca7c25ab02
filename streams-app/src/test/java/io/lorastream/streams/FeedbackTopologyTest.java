package io.lorastream.streams;

import static io.lorastream.streams.TopologyHarness.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.schemas.DeadLetterReason;
import io.lorastream.schemas.InteractionType;
import io.lorastream.schemas.PairKind;
import io.lorastream.schemas.SearchEvent;
import io.lorastream.schemas.ShownResult;
import io.lorastream.schemas.TrainingPair;
import io.lorastream.streams.config.ConfigFiles;
import io.lorastream.streams.config.FeedbackStreamsConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every rule of the topology, through TopologyTestDriver with explicit event times (window 60 s,
 * grace 10 s).
 */
class FeedbackTopologyTest {
  private TopologyHarness h;

  static FeedbackStreamsConfig config(Map<String, String> overrides) {
    Map<String, String> m = new HashMap<>();
    m.put("window", "60s");
    m.put("grace", "10s");
    m.put("close-check-interval", "1s");
    m.put("idle-close-after", "0");
    m.put("document-wait", "30s");
    m.put("max-negatives", "4");
    m.putAll(overrides);
    return ConfigFiles.fromMap(m);
  }

  private TopologyHarness harness(Map<String, String> overrides) {
    h = new TopologyHarness(config(overrides));
    return h;
  }

  private TopologyHarness harness() {
    return harness(Map.of());
  }

  @AfterEach
  void close() {
    if (h != null) {
      h.close();
    }
  }

  @Test
  void aLongDwellClickBecomesAPairWithTheSkippedResultsAboveItAsNegatives() {
    harness().documents(6);
    h.search("imp1", "acme", "what is dna", 0, "d1", "d2", "d3", "d4", "d5", "d6");
    h.click("imp1", "d2", 2_000L, 5); // clicked but short: neither positive nor negative
    h.click("imp1", "d4", 30_000L, 10);
    h.advanceStreamTime(71);

    List<TrainingPair> pairs = h.readPairs();
    assertThat(pairs).hasSize(1);
    TrainingPair p = pairs.get(0);
    assertThat(p.kind()).isEqualTo(PairKind.CLICK);
    assertThat(p.adapter()).isEqualTo("acme");
    assertThat(p.anchor()).isEqualTo("what is dna");
    assertThat(p.positiveDocId()).isEqualTo("d4");
    assertThat(p.positive()).isEqualTo("text of d4");
    assertThat(p.negativeDocIds())
        .containsExactly("d1", "d3"); // above d4, not clicked; d5, d6 were below
    assertThat(p.negatives()).containsExactly("text of d1", "text of d3");
    assertThat(p.weight()).isEqualTo(1.0);
    assertThat(p.label()).isNull();
    assertThat(p.impressionId()).isEqualTo("imp1");
    assertThat(p.shownDocIds()).containsExactly("d1", "d2", "d3", "d4", "d5", "d6");
    assertThat(p.eventTime()).isEqualTo(TopologyHarness.at(10));
    assertThat(p.sourceEventIds()).contains("search-imp1").hasSize(2);
    assertThat(h.readDeadLetters()).isEmpty();
  }

  @Test
  void negativesStopAtK() {
    harness(Map.of("max-negatives", "2")).documents(6);
    h.search("imp1", "acme", "q", 0, "d1", "d2", "d3", "d4", "d5", "d6");
    h.click("imp1", "d6", 20_000L, 3);
    h.advanceStreamTime(71);
    assertThat(h.readPairs())
        .singleElement()
        .satisfies(p -> assertThat(p.negativeDocIds()).containsExactly("d1", "d2"));
  }

  @Test
  void theDwellThresholdDecidesAndOnlyTheLastClickWithoutDwellCounts() {
    harness().documents(5);
    h.search("imp1", "acme", "q", 0, "d1", "d2", "d3", "d4", "d5");
    h.click("imp1", "d1", null, 1); // no dwell, not the last click: not a positive, but clicked
    h.click("imp1", "d2", 9_999L, 2); // just under 10 s
    h.click("imp1", "d3", 10_000L, 3); // exactly the threshold: positive
    h.interact(
        "imp1",
        "d4",
        InteractionType.DWELL,
        15_000L,
        4); // a dwell event implies the click: positive
    h.click("imp1", "d5", null, 5); // the last click, no dwell reported: positive
    h.advanceStreamTime(71);
    assertThat(h.readPairs())
        .extracting(TrainingPair::positiveDocId)
        .containsExactly("d3", "d4", "d5");
  }

  @Test
  void aLastClickWithAShortDwellIsNotAPositive() {
    harness().documents(3);
    h.search("imp1", "acme", "q", 0, "d1", "d2", "d3");
    h.click("imp1", "d2", 1_000L, 5);
    h.advanceStreamTime(71);
    assertThat(h.readPairs()).isEmpty();
  }

  @Test
  void anImpressionWithoutAPositiveEmitsNothingEvenWithThumbsDown() {
    harness().documents(3);
    h.search("imp1", "acme", "q", 0, "d1", "d2", "d3");
    h.interact("imp1", "d1", InteractionType.THUMBS_DOWN, null, 3);
    h.advanceStreamTime(71);
    assertThat(h.readPairs()).isEmpty();
    assertThat(h.readDeadLetters()).isEmpty();
  }

  @Test
  void thumbsUpIsAPositiveAndThumbsDownANegativeWhereverItWasShown() {
    harness(Map.of("thumbs-up-weight", "2.0")).documents(5);
    h.search("imp1", "acme", "q", 0, "d1", "d2", "d3", "d4", "d5");
    h.interact("imp1", "d2", InteractionType.THUMBS_UP, null, 3);
    h.interact(
        "imp1", "d5", InteractionType.THUMBS_DOWN, null, 4); // below the positive, still a negative
    h.click("imp1", "d3", 60_000L, 5);
    h.interact(
        "imp1",
        "d3",
        InteractionType.THUMBS_DOWN,
        null,
        6); // the last vote wins over the long dwell
    h.advanceStreamTime(71);
    List<TrainingPair> pairs = h.readPairs();
    assertThat(pairs)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.positiveDocId()).isEqualTo("d2");
              assertThat(p.weight()).isEqualTo(2.0);
              assertThat(p.negativeDocIds()).containsExactly("d1", "d3", "d5");
              assertThat(p.sourceEventIds())
                  .hasSize(5); // search, thumbs up d2, click + thumbs down d3, thumbs down d5
            });
  }

  @Test
  void pairsComeOutOnlyWhenStreamTimePassesWindowEndPlusGrace() {
    harness().documents(2);
    h.search("imp1", "acme", "q", 0, "d1", "d2");
    h.click("imp1", "d2", 30_000L, 59); // last moment inside the window
    h.advanceStreamTime(69);
    assertThat(h.readPairs()).isEmpty();
    h.advanceStreamTime(70); // 0 + 60 + 10
    assertThat(h.readPairs()).extracting(TrainingPair::positiveDocId).containsExactly("d2");
  }

  @Test
  void anInteractionWithinGraceStillJoinsButOneAfterTheCloseIsDeadLetteredAsLate() {
    harness().documents(3);
    h.search("imp1", "acme", "q", 0, "d1", "d2", "d3");
    h.advanceStreamTime(65);
    h.click("imp1", "d2", 30_000L, 50); // out of order by 15 s, within grace: joins
    h.advanceStreamTime(75);
    assertThat(h.readPairs()).extracting(TrainingPair::positiveDocId).containsExactly("d2");
    var late = h.click("imp1", "d3", 30_000L, 55); // the window closed at 70
    var lateSearch =
        h.search("imp-old", "acme", "q", 2, "d1"); // its window would have closed at 72
    List<TopologyHarness.Letter> letters = h.readDeadLetters();
    assertThat(letters)
        .extracting(TopologyHarness.Letter::reason)
        .containsExactly(DeadLetterReason.LATE_EVENT, DeadLetterReason.LATE_EVENT);
    assertThat(letters.get(0).value()).isEqualTo(h.codecs.interactions().encode(late));
    assertThat(letters.get(1).value()).isEqualTo(h.codecs.searchEvents().encode(lateSearch));
    assertThat(letters.get(0).letter().message()).contains("raise grace");
    assertThat(h.readPairs()).isEmpty();
  }

  @Test
  void anEventFarAheadOfTheClockIsDeadLetteredAndDoesNotMoveStreamTime() {
    harness().documents(2);
    h.search("imp1", "acme", "q", 0, "d1", "d2");
    h.click("imp1", "d2", 30_000L, 5);
    h.search("from-the-future", "acme", "q", 2 * 3600 + 600, "d1"); // 2 h ahead of the clock
    h.click("imp1", "d1", 1_000L, 6); // still joins: the future event closed nothing
    assertThat(h.readDeadLetters())
        .extracting(TopologyHarness.Letter::reason)
        .containsExactly(DeadLetterReason.EVENT_TIME_IN_FUTURE);
    assertThat(h.readPairs()).isEmpty();
    h.advanceStreamTime(71);
    assertThat(h.readPairs())
        .singleElement()
        .satisfies(p -> assertThat(p.negativeDocIds()).isEmpty());
  }

  @Test
  void aRecordThatBreaksItsContractDoesNotMoveStreamTimeEvenWithAReadableEventTime() {
    harness().documents(2);
    h.search("imp1", "acme", "q", 0, "d1", "d2");
    h.click("imp1", "d2", 30_000L, 5);
    // A search event 200 s later (past imp1's close at 70) but without its query: dead-lettered,
    // and it must not
    // close imp1's window on the way.
    String valid =
        new String(
            h.codecs
                .searchEvents()
                .encode(
                    new SearchEvent(
                        1,
                        "broken",
                        "acme",
                        TopologyHarness.at(200),
                        "imp-bad",
                        "s",
                        "q",
                        null,
                        List.of(new ShownResult("d1", 1, 1.0)),
                        "m",
                        null)),
            StandardCharsets.UTF_8);
    String withoutQuery = valid.replace("\"query\":\"q\",", "");
    assertThat(withoutQuery).isNotEqualTo(valid).contains("\"event_time\"");
    h.searches.pipeInput(utf8("imp-bad"), utf8(withoutQuery));
    assertThat(h.readDeadLetters())
        .extracting(TopologyHarness.Letter::reason)
        .containsExactly(DeadLetterReason.MISSING_FIELD);
    h.click("imp1", "d1", 1_000L, 6); // still joins: the broken event closed nothing
    assertThat(h.readPairs()).isEmpty();
    h.advanceStreamTime(71);
    assertThat(h.readPairs())
        .singleElement()
        .satisfies(p -> assertThat(p.negativeDocIds()).isEmpty());
  }

  @Test
  void anInteractionBeforeItsImpressionWaitsForIt() {
    harness().documents(2);
    h.click("imp1", "d2", 30_000L, 5);
    h.search("imp1", "acme", "q", 1, "d1", "d2");
    h.advanceStreamTime(71);
    assertThat(h.readPairs())
        .extracting(TrainingPair::negativeDocIds)
        .containsExactly(List.of("d1"));
  }

  @Test
  void anInteractionWhoseImpressionNeverArrivesIsDeadLetteredAsAnOrphan() {
    harness().documents(2);
    var orphan = h.click("ghost", "d2", 30_000L, 5);
    h.advanceStreamTime(74);
    assertThat(h.readDeadLetters()).isEmpty();
    h.advanceStreamTime(75); // 5 + 60 + 10
    assertThat(h.readDeadLetters())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.reason()).isEqualTo(DeadLetterReason.ORPHAN_INTERACTION);
              assertThat(l.value()).isEqualTo(h.codecs.interactions().encode(orphan));
              assertThat(l.key()).isEqualTo(utf8("ghost"));
              assertThat(l.letter().sourceTopic()).isEqualTo(h.config.topics().interactions());
              assertThat(l.letter().sourceOffset()).isEqualTo(0);
            });
  }

  @Test
  void interactionsOutsideTheWindowOrOnDocsNotShownAreDeadLetteredAtClose() {
    harness().documents(3);
    h.search("imp1", "acme", "q", 10, "d1", "d2");
    h.click("imp1", "d2", 30_000L, 5); // before the search
    h.click("imp1", "d3", 30_000L, 20); // d3 was not shown
    h.click("imp1", "d1", 30_000L, 70); // after the window [10, 70)
    h.advanceStreamTime(80);
    assertThat(h.readDeadLetters())
        .extracting(TopologyHarness.Letter::reason)
        .containsExactlyInAnyOrder(
            DeadLetterReason.OUTSIDE_WINDOW,
            DeadLetterReason.NOT_SHOWN,
            DeadLetterReason.OUTSIDE_WINDOW);
    assertThat(h.readPairs()).isEmpty();
  }

  @Test
  void replayedEventsMakeNoNewPairs() {
    harness().documents(3);
    var search = h.search("imp1", "acme", "q", 0, "d1", "d2", "d3");
    var click = h.click("imp1", "d2", 30_000L, 5);
    h.pipeSearch(search);
    h.pipeInteraction(click);
    h.pipeInteraction(click);
    var label = h.label("q", "d3", 3, 6);
    h.pipeLabel(label);
    h.advanceStreamTime(71);
    assertThat(h.readPairs())
        .extracting(TrainingPair::kind)
        .containsExactlyInAnyOrder(PairKind.CLICK, PairKind.LABEL);
    h.pipeLabel(label); // long after: still remembered
    h.pipeInteraction(click); // after the close: late, not a second pair
    assertThat(h.readPairs()).isEmpty();
    assertThat(h.readDeadLetters())
        .extracting(TopologyHarness.Letter::reason)
        .containsExactly(DeadLetterReason.LATE_EVENT);
    assertThat(h.counter("lorastream.streams.duplicates", "type", "interaction")).isEqualTo(2);
    assertThat(h.counter("lorastream.streams.duplicates", "type", "search_event")).isEqualTo(1);
    assertThat(h.counter("lorastream.streams.duplicates", "type", "relevance_label")).isEqualTo(2);
  }

  @Test
  void aSecondSearchEventClaimingAnOpenImpressionIsDeadLettered() {
    harness().documents(2);
    h.search("imp1", "acme", "q", 0, "d1", "d2");
    var other =
        new io.lorastream.schemas.SearchEvent(
            1,
            "another-event",
            "acme",
            TopologyHarness.at(1),
            "imp1",
            "s",
            "q2",
            null,
            List.of(new io.lorastream.schemas.ShownResult("d1", 1, 1)),
            "m",
            null);
    h.pipeSearch(other);
    assertThat(h.readDeadLetters())
        .extracting(TopologyHarness.Letter::reason)
        .containsExactly(DeadLetterReason.CONFLICTING_IMPRESSION);
  }

  @Test
  void pairIdsAreTheSameWhenTheSameInputIsProcessedAgain() {
    List<String> first = runSmallStream();
    h.close();
    List<String> second = runSmallStream();
    assertThat(first).hasSize(2).isEqualTo(second).doesNotHaveDuplicates();
  }

  private List<String> runSmallStream() {
    harness().documents(4);
    h.search("imp1", "acme", "q", 0, "d1", "d2", "d3", "d4");
    h.click("imp1", "d3", 30_000L, 5);
    h.label("q", "d4", 2, 6);
    h.advanceStreamTime(71);
    return h.readPairs().stream().map(TrainingPair::pairId).sorted().toList();
  }

  @Test
  void aDocumentNotYetKnownIsWaitedForAndUsedWhenItArrives() {
    harness().documents(2);
    h.search("imp1", "acme", "q", 0, "d1", "d2", "d9");
    h.click("imp1", "d9", 30_000L, 5);
    h.advanceStreamTime(71);
    assertThat(h.readPairs()).isEmpty();
    h.advanceWallClock(Duration.ofSeconds(10));
    h.document("d9", "late text", 72);
    h.advanceWallClock(Duration.ofSeconds(1));
    assertThat(h.readPairs())
        .singleElement()
        .satisfies(p -> assertThat(p.positive()).isEqualTo("late text"));
    assertThat(h.readDeadLetters()).isEmpty();
  }

  @Test
  void aDocumentStillUnknownAfterTheWaitIsDeadLetteredWithTheSourceEvent() {
    harness().documents(2);
    var search = h.search("imp1", "acme", "q", 0, "d1", "d9");
    h.click("imp1", "d9", 30_000L, 5);
    var label = h.label("q", "d8", 3, 6);
    h.advanceStreamTime(71);
    h.advanceWallClock(Duration.ofSeconds(29));
    assertThat(h.readDeadLetters()).isEmpty();
    h.advanceWallClock(Duration.ofSeconds(2));
    List<TopologyHarness.Letter> letters = h.readDeadLetters();
    assertThat(letters)
        .extracting(TopologyHarness.Letter::reason)
        .containsExactly(DeadLetterReason.UNKNOWN_DOCUMENT, DeadLetterReason.UNKNOWN_DOCUMENT);
    assertThat(letters)
        .extracting(TopologyHarness.Letter::value)
        .containsExactlyInAnyOrder(
            h.codecs.searchEvents().encode(search), h.codecs.relevanceLabels().encode(label));
    assertThat(letters.get(0).letter().message()).contains("d9", "document-wait");
    assertThat(h.readPairs()).isEmpty();
  }

  @Test
  void aDeletedDocumentNeverAppearsInAPair() {
    harness(Map.of("document-wait", "0")).documents(4);
    h.deleteDocument("d1", 1); // a negative: left out
    h.deleteDocument("d3", 1); // the positive: no pair, dead-lettered
    h.search("imp1", "acme", "q", 0, "d1", "d2", "d3", "d4");
    h.click("imp1", "d3", 30_000L, 5);
    h.search("imp2", "acme", "q", 0, "d1", "d2", "d4");
    h.click("imp2", "d4", 30_000L, 5);
    h.advanceStreamTime(71);
    assertThat(h.readPairs())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.positiveDocId()).isEqualTo("d4");
              assertThat(p.negativeDocIds()).containsExactly("d2");
            });
    assertThat(h.readDeadLetters())
        .extracting(TopologyHarness.Letter::reason)
        .containsExactly(DeadLetterReason.UNKNOWN_DOCUMENT);
  }

  @Test
  void labelsBecomeLabelledPairsAndGradeZeroDocsBecomeTheQuerysNegatives() {
    harness(Map.of("label-weight", "3.0")).documents(4);
    h.label("what is dna", "d1", 0, 1);
    h.label("what is dna", "d2", 0, 2);
    h.label("what is dna", "d3", 2, 3);
    h.label("something else", "d4", 3, 4);
    List<TrainingPair> pairs = h.readPairs();
    assertThat(pairs).extracting(TrainingPair::label).containsExactly(0.0, 0.0, 2.0 / 3, 1.0);
    assertThat(pairs)
        .allSatisfy(
            p -> {
              assertThat(p.kind()).isEqualTo(PairKind.LABEL);
              assertThat(p.weight()).isEqualTo(3.0);
            });
    TrainingPair relevant = pairs.get(2);
    assertThat(relevant.positive()).isEqualTo("text of d3");
    assertThat(relevant.negativeDocIds()).containsExactly("d2", "d1"); // newest judgment first
    assertThat(relevant.sourceEventIds()).hasSize(3);
    assertThat(pairs.get(3).negativeDocIds())
        .isEmpty(); // another query's zeros are not its negatives
  }

  @Test
  void tenantsRouteToTheirConfiguredAdapter() {
    harness(Map.of("tenant-adapters.acme", "acme-science", "default-adapter", "shared"))
        .documents(2);
    h.search("imp1", "acme", "q", 0, "d1", "d2");
    h.click("imp1", "d2", 30_000L, 5);
    h.search("imp2", "globex", "q", 0, "d1", "d2");
    h.click("imp2", "d1", 30_000L, 5);
    h.advanceStreamTime(71);
    assertThat(h.pairs.readKeyValuesToMap()).containsOnlyKeys("acme-science", "shared");
  }

  @Test
  void whenTrafficStopsIdleCloseLetsWindowsCloseOnTheWallClock() {
    harness(Map.of("idle-close-after", "5s")).documents(2);
    h.search("imp1", "acme", "q", 0, "d1", "d2");
    h.click("imp1", "d2", 30_000L, 5);
    h.advanceWallClock(Duration.ofSeconds(30));
    assertThat(h.readPairs()).isEmpty(); // stream time 5 + 30 s of silence = 35 < 70
    h.advanceWallClock(Duration.ofSeconds(36));
    assertThat(h.readPairs()).hasSize(1); // 5 + 66 >= 70
  }

  @Test
  void withoutIdleCloseWindowsWaitForNewTraffic() {
    harness().documents(2);
    h.search("imp1", "acme", "q", 0, "d1", "d2");
    h.click("imp1", "d2", 30_000L, 5);
    h.advanceWallClock(Duration.ofHours(1));
    assertThat(h.readPairs()).isEmpty();
  }

  @Test
  void metricsCountEventsPairsAndDeadLettersByTheirTags() {
    harness().documents(2);
    h.search("imp1", "acme", "q", 0, "d1", "d2");
    h.click("imp1", "d2", 30_000L, 5);
    h.searches.pipeInput(utf8("x"), utf8("not json"));
    h.advanceStreamTime(71);
    assertThat(h.counter("lorastream.streams.events.in", "type", "document")).isEqualTo(2);
    assertThat(h.counter("lorastream.streams.events.in", "type", "search_event")).isEqualTo(3);
    assertThat(h.counter("lorastream.streams.events.in", "type", "interaction")).isEqualTo(1);
    assertThat(h.counter("lorastream.streams.pairs.out", "adapter", "acme")).isEqualTo(1);
    assertThat(h.counter("lorastream.streams.dead.letters", "reason", "unparseable_json"))
        .isEqualTo(1);
    assertThat(h.registry.find("lorastream.streams.event.to.pair.latency").timer().count())
        .isEqualTo(1);
  }
}
