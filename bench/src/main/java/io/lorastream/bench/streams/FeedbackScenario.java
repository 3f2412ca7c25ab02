package io.lorastream.bench.streams;

import io.lorastream.schemas.Document;
import io.lorastream.schemas.EventCodecs;
import io.lorastream.schemas.Interaction;
import io.lorastream.schemas.InteractionType;
import io.lorastream.schemas.LabelSource;
import io.lorastream.schemas.RelevanceLabel;
import io.lorastream.schemas.SearchEvent;
import io.lorastream.schemas.ShownResult;
import io.lorastream.schemas.TextLimits;
import io.lorastream.schemas.TopicNames;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Simulated search feedback over a BEIR dataset, with what it should produce. Each impression shows a train query's
 * relevant docs at random ranks among random other docs; the user clicks every relevant doc and dwells 15-60 s on it,
 * and in some impressions first clicks a non-relevant doc for 1-5 s. A label (grade 2 or 3) is published for some
 * queries. Every event is serialized as producers would, keyed as the contracts say.
 *
 * <p>The expected pairs follow from how the events were made (which docs the simulated user was after), not from the
 * topology's code: one click pair per relevant doc shown, whose hard negatives are the non-relevant docs ranked above
 * the lowest relevant one, minus the briefly clicked doc, in rank order.
 */
public final class FeedbackScenario {

  /** One record to produce. */
  public record Event(String topic, String key, byte[] value, long timestampMs) {}

  /** A click pair the topology should emit: identified by impression and positive, with its negatives before k. */
  public record ExpectedClickPair(String impressionId, String positiveDocId, List<String> negativeCandidates) {}

  /** A labelled pair the topology should emit. */
  public record ExpectedLabelPair(String labelEventId, String docId, double label) {}

  /** What to simulate. */
  public record Settings(
      int impressions, int resultsPerImpression, double shortClickRate, double labelRate, long impressionSpacingMs,
      long seed, Instant start, String tenant) {}

  private final List<Event> documents = new ArrayList<>();
  private final List<Event> events = new ArrayList<>();
  private final List<ExpectedClickPair> expectedClicks = new ArrayList<>();
  private final List<ExpectedLabelPair> expectedLabels = new ArrayList<>();

  private FeedbackScenario() {}

  public List<Event> documents() {
    return documents;
  }

  /** Search events, interactions and labels, in event-time order. */
  public List<Event> events() {
    return events;
  }

  public List<ExpectedClickPair> expectedClickPairs() {
    return expectedClicks;
  }

  public List<ExpectedLabelPair> expectedLabelPairs() {
    return expectedLabels;
  }

  public static FeedbackScenario generate(BeirDataset data, TopicNames topics, Settings s) {
    EventCodecs codecs = EventCodecs.create(TextLimits.DEFAULTS);
    FeedbackScenario out = new FeedbackScenario();
    Random rnd = new Random(s.seed());
    long t0 = s.start().toEpochMilli();
    for (BeirDataset.Doc d : data.corpus()) {
      Document doc = new Document(1, "doc-" + d.id(), s.tenant(), s.start(), d.id(), d.title(), d.text(), s.start());
      out.documents.add(new Event(topics.documents(), d.id(), codecs.documents().encode(doc), t0));
    }
    List<String> queryIds = new ArrayList<>(data.relevant().keySet());
    Collections.sort(queryIds);
    List<BeirDataset.Doc> corpus = data.corpus();
    for (int n = 0; n < s.impressions(); n++) {
      String qid = queryIds.get(n % queryIds.size());
      String query = data.queries().get(qid);
      List<String> relevant = data.relevant().get(qid);
      long start = t0 + n * s.impressionSpacingMs();
      String impressionId = "imp-" + s.seed() + "-" + n;

      // ranked list: relevant docs at random ranks among random others
      Set<String> shown = new LinkedHashSet<>(relevant);
      while (shown.size() < Math.max(s.resultsPerImpression(), relevant.size())) {
        shown.add(corpus.get(rnd.nextInt(corpus.size())).id());
      }
      List<String> ranked = new ArrayList<>(shown);
      Collections.shuffle(ranked, rnd);
      List<ShownResult> results = new ArrayList<>();
      for (int r = 0; r < ranked.size(); r++) {
        results.add(new ShownResult(ranked.get(r), r + 1, 1.0 - r / 100.0));
      }
      SearchEvent search =
          new SearchEvent(1, "search-" + impressionId, s.tenant(), Instant.ofEpochMilli(start), impressionId,
              "session-" + (n / 5), query, qid, results, "all-minilm-l6-v2", null);
      out.events.add(new Event(topics.searchEvents(), impressionId, codecs.searchEvents().encode(search), start));

      long t = start;
      String shortClicked = null;
      Set<String> relevantSet = new HashSet<>(relevant);
      if (rnd.nextDouble() < s.shortClickRate()) {
        List<String> others = ranked.stream().filter(d -> !relevantSet.contains(d)).toList();
        shortClicked = others.get(rnd.nextInt(others.size()));
        t += 500 + rnd.nextInt(1500);
        out.events.add(interaction(codecs, topics, s, impressionId, shortClicked, 1_000L + rnd.nextInt(4_000), t, n, 0));
      }
      int i = 1;
      for (String doc : ranked) {
        if (relevantSet.contains(doc)) {
          t += 500 + rnd.nextInt(1500);
          out.events.add(interaction(codecs, topics, s, impressionId, doc, 15_000L + rnd.nextInt(45_000), t, n, i++));
        }
      }
      int lowest = ranked.stream().filter(relevantSet::contains).mapToInt(ranked::indexOf).max().orElseThrow();
      List<String> negatives = new ArrayList<>();
      for (int r = 0; r < lowest; r++) {
        String d = ranked.get(r);
        if (!relevantSet.contains(d) && !d.equals(shortClicked)) {
          negatives.add(d);
        }
      }
      for (String doc : ranked) {
        if (relevantSet.contains(doc)) {
          out.expectedClicks.add(new ExpectedClickPair(impressionId, doc, List.copyOf(negatives)));
        }
      }
      if (rnd.nextDouble() < s.labelRate()) {
        int grade = 2 + rnd.nextInt(2);
        RelevanceLabel label =
            new RelevanceLabel(1, "label-" + impressionId, s.tenant(), Instant.ofEpochMilli(t + 1), query, qid,
                relevant.get(0), grade, LabelSource.ANNOTATOR);
        out.events.add(new Event(topics.relevanceLabels(), RelevanceLabel.key(s.tenant(), query),
            codecs.relevanceLabels().encode(label), t + 1));
        out.expectedLabels.add(new ExpectedLabelPair(label.eventId(), label.docId(), grade / 3.0));
      }
    }
    out.events.sort((a, b) -> Long.compare(a.timestampMs(), b.timestampMs()));
    return out;
  }

  private static Event interaction(
      EventCodecs codecs, TopicNames topics, Settings s, String impressionId, String doc, long dwellMs, long t, int n,
      int i) {
    Interaction click =
        new Interaction(1, "click-" + s.seed() + "-" + n + "-" + i, s.tenant(), Instant.ofEpochMilli(t), impressionId, doc,
            InteractionType.CLICK, dwellMs);
    return new Event(topics.interactions(), impressionId, codecs.interactions().encode(click), t);
  }
}
