package io.lorastream.streams;

import io.lorastream.schemas.Interaction;
import io.lorastream.schemas.InteractionType;
import io.lorastream.schemas.SearchEvent;
import io.lorastream.schemas.ShownResult;
import io.lorastream.streams.config.PairRules;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The click model: which shown results of one closed impression were positives and which were hard
 * negatives. A pure function of the impression and its (already validated, in-window,
 * de-duplicated) interactions.
 *
 * <ul>
 *   <li>Positive: the user's last thumbs vote on it is up; or, with no thumbs down, it was clicked
 *       and either dwelt on for at least the threshold, or it is the impression's last click and no
 *       dwell was reported for it (the user left satisfied).
 *   <li>Hard negative: the last thumbs vote is down; or shown above the lowest-ranked positive and
 *       neither clicked nor dwelt on (skip-above). A click with a short dwell is neither.
 * </ul>
 *
 * An impression without a positive yields nothing, even with thumbs down.
 */
public final class ClickModel {

  /** A shown doc that was a positive, and the interactions that made it one. */
  public record Positive(
      String docId, int rank, double weight, List<String> sourceEventIds, long newestEventMs) {}

  /** A hard negative, with the interactions that made it one (none for skip-above). */
  public record Negative(String docId, int rank, List<String> sourceEventIds) {}

  /** Positives in rank order; negatives in rank order (k is applied when texts are resolved). */
  public record Outcome(List<Positive> positives, List<Negative> negatives) {}

  private ClickModel() {}

  private static final class DocFeedback {
    boolean clicked;
    Long dwellMs;
    Interaction lastThumb;
    final List<Interaction> events = new ArrayList<>();
  }

  public static Outcome apply(SearchEvent search, List<Interaction> interactions, PairRules rules) {
    Map<String, DocFeedback> byDoc = new LinkedHashMap<>();
    Comparator<Interaction> chronological =
        Comparator.comparing(Interaction::eventTime).thenComparing(Interaction::eventId);
    Interaction lastClick = null;
    for (Interaction i : interactions) {
      DocFeedback f = byDoc.computeIfAbsent(i.docId(), d -> new DocFeedback());
      f.events.add(i);
      switch (i.type()) {
        case CLICK, DWELL -> {
          f.clicked = true;
          if (i.dwellMs() != null) {
            f.dwellMs = f.dwellMs == null ? i.dwellMs() : Math.max(f.dwellMs, i.dwellMs());
          }
          if (i.type() == InteractionType.CLICK
              && (lastClick == null || chronological.compare(i, lastClick) > 0)) {
            lastClick = i;
          }
        }
        case THUMBS_UP, THUMBS_DOWN -> {
          if (f.lastThumb == null || chronological.compare(i, f.lastThumb) > 0) {
            f.lastThumb = i;
          }
        }
      }
    }
    long threshold = rules.dwellThreshold().toMillis();
    String lastClickedDoc = lastClick == null ? null : lastClick.docId();

    List<ShownResult> ranked = new ArrayList<>(search.results());
    ranked.sort(Comparator.comparingInt(ShownResult::rank));
    List<Positive> positives = new ArrayList<>();
    Map<String, Boolean> thumbsDown = new HashMap<>();
    for (ShownResult r : ranked) {
      DocFeedback f = byDoc.get(r.docId());
      if (f == null) {
        continue;
      }
      InteractionType vote = f.lastThumb == null ? null : f.lastThumb.type();
      if (vote == InteractionType.THUMBS_DOWN) {
        thumbsDown.put(r.docId(), true);
        continue;
      }
      boolean byThumb = vote == InteractionType.THUMBS_UP;
      boolean byClick =
          f.clicked
              && ((f.dwellMs != null && f.dwellMs >= threshold)
                  || (f.dwellMs == null && r.docId().equals(lastClickedDoc)));
      if (byThumb || byClick) {
        double weight =
            Math.max(byThumb ? rules.thumbsUpWeight() : 0, byClick ? rules.clickWeight() : 0);
        List<String> ids = f.events.stream().map(Interaction::eventId).sorted().toList();
        long newest =
            f.events.stream().mapToLong(i -> i.eventTime().toEpochMilli()).max().orElseThrow();
        positives.add(new Positive(r.docId(), r.rank(), weight, ids, newest));
      }
    }
    if (positives.isEmpty()) {
      return new Outcome(List.of(), List.of());
    }
    int lowestPositiveRank = positives.stream().mapToInt(Positive::rank).max().orElseThrow();
    List<Negative> negatives = new ArrayList<>();
    for (ShownResult r : ranked) {
      DocFeedback f = byDoc.get(r.docId());
      if (thumbsDown.containsKey(r.docId())) {
        negatives.add(
            new Negative(
                r.docId(),
                r.rank(),
                f.events.stream().map(Interaction::eventId).sorted().toList()));
      } else if (r.rank() < lowestPositiveRank
          && (f == null || !f.clicked)
          && !isPositive(positives, r.docId())) {
        negatives.add(new Negative(r.docId(), r.rank(), List.of()));
      }
    }
    return new Outcome(List.copyOf(positives), List.copyOf(negatives));
  }

  private static boolean isPositive(List<Positive> positives, String docId) {
    return positives.stream().anyMatch(p -> p.docId().equals(docId));
  }
}
