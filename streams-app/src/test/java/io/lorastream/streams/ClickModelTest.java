package io.lorastream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.schemas.Interaction;
import io.lorastream.schemas.InteractionType;
import io.lorastream.schemas.SearchEvent;
import io.lorastream.schemas.ShownResult;
import io.lorastream.streams.config.PairRules;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The click model alone, as a pure function; ranks and dwells chosen so each expectation can be
 * checked by hand.
 */
class ClickModelTest {
  private static final Instant T = Instant.parse("2025-03-01T12:00:00Z");
  private static final PairRules RULES = PairRules.DEFAULTS;

  private static SearchEvent shown(String... docs) {
    List<ShownResult> r = new ArrayList<>();
    for (int i = 0; i < docs.length; i++) {
      r.add(new ShownResult(docs[i], i + 1, 0));
    }
    return new SearchEvent(1, "s", "acme", T, "imp", "sess", "q", null, r, "m", null);
  }

  private static Interaction ix(String id, String doc, InteractionType type, Long dwell, long sec) {
    return new Interaction(1, id, "acme", T.plusSeconds(sec), "imp", doc, type, dwell);
  }

  @Test
  void skipAboveTakesOnlyUnclickedResultsAboveTheLowestPositive() {
    // shown a b c d e; b clicked briefly, d dwelt 20 s: a and c were skipped above d; e was below
    var out =
        ClickModel.apply(
            shown("a", "b", "c", "d", "e"),
            List.of(
                ix("1", "b", InteractionType.CLICK, 3_000L, 1),
                ix("2", "d", InteractionType.CLICK, 20_000L, 2)),
            RULES);
    assertThat(out.positives()).extracting(ClickModel.Positive::docId).containsExactly("d");
    assertThat(out.negatives()).extracting(ClickModel.Negative::docId).containsExactly("a", "c");
  }

  @Test
  void theLowestOfSeveralPositivesSetsTheSkipAboveBoundary() {
    var out =
        ClickModel.apply(
            shown("a", "b", "c", "d", "e"),
            List.of(
                ix("1", "b", InteractionType.CLICK, 20_000L, 1),
                ix("2", "d", InteractionType.THUMBS_UP, null, 2)),
            RULES);
    assertThat(out.positives()).extracting(ClickModel.Positive::docId).containsExactly("b", "d");
    assertThat(out.negatives()).extracting(ClickModel.Negative::docId).containsExactly("a", "c");
  }

  @Test
  void dwellFromADwellEventAndFromTheClickTakeTheLonger() {
    var out =
        ClickModel.apply(
            shown("a", "b"),
            List.of(
                ix("1", "b", InteractionType.CLICK, 2_000L, 1),
                ix("2", "b", InteractionType.DWELL, 11_000L, 9),
                ix("3", "a", InteractionType.CLICK, 1_000L, 10)),
            RULES);
    assertThat(out.positives())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.docId()).isEqualTo("b");
              assertThat(p.sourceEventIds()).containsExactly("1", "2");
              assertThat(p.newestEventMs()).isEqualTo(T.plusSeconds(9).toEpochMilli());
            });
  }

  @Test
  void theLastVoteWinsBetweenThumbsUpAndDown() {
    var out =
        ClickModel.apply(
            shown("a", "b"),
            List.of(
                ix("1", "b", InteractionType.THUMBS_DOWN, null, 1),
                ix("2", "b", InteractionType.THUMBS_UP, null, 2)),
            RULES);
    assertThat(out.positives()).extracting(ClickModel.Positive::docId).containsExactly("b");
    assertThat(out.negatives()).extracting(ClickModel.Negative::docId).containsExactly("a");
  }

  @Test
  void noInteractionsMeanNoPositivesAndNoNegatives() {
    var out = ClickModel.apply(shown("a", "b"), List.of(), RULES);
    assertThat(out.positives()).isEmpty();
    assertThat(out.negatives()).isEmpty();
  }
}
