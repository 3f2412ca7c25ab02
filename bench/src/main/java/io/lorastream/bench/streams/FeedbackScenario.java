package io.lorastream.bench.streams;

import io.lorastream.bench.users.UserModel;
import io.lorastream.model.eval.BeirDataset;
import io.lorastream.model.eval.BeirDocument;
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
import io.lorastream.streams.config.PairRules;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Simulated search feedback over a BEIR dataset's train split, with what it should produce. Each
 * impression shows a train query's relevant docs at random ranks among random other docs, and a
 * {@link UserModel} acts on it: clicks with their dwell, thumbs, and now and then a relevance label
 * for the query. Every event is serialized as producers would, keyed as the contracts say.
 *
 * <p>The expected pairs follow from what the simulated user did, under the pair rules as documented
 * (docs/design.md, the streams app's defaults), not from the topology's code. A positive is a doc
 * voted up, or clicked, not voted down, with a dwell of at least the default threshold (10 s). An
 * impression with positives yields one click pair per positive; their hard negatives are, in rank
 * order, the docs voted down and the docs shown above the lowest positive that were not clicked. A
 * label of grade g yields a label pair of label g/3.
 */
public final class FeedbackScenario {

  /**
   * The scenario's users: they examine every result, click every relevant one (dwelling about 30 s)
   * and 3.4% of the others briefly (0.3 short clicks per page of 10), give no thumbs, and label one
   * search in ten.
   */
  public static final UserModel USERS = new UserModel(1, 0, 1, 0.034, 30, 0.5, 0, 0, 0.1);

  /** One record to produce. */
  public record Event(String topic, String key, byte[] value, long timestampMs) {}

  /**
   * A click pair the topology should emit: identified by impression and positive, with its
   * negatives before k.
   */
  public record ExpectedClickPair(
      String impressionId, String positiveDocId, List<String> negativeCandidates) {}

  /** A labelled pair the topology should emit. */
  public record ExpectedLabelPair(String labelEventId, String docId, double label) {}

  /** What to simulate. */
  public record Settings(
      int impressions,
      int resultsPerImpression,
      UserModel users,
      long impressionSpacingMs,
      long seed,
      Instant start,
      String tenant) {}

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

  /**
   * The train queries that have relevant documents in the corpus, with those documents in qrels
   * order.
   */
  public static Map<String, List<String>> trainQueries(BeirDataset data) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    data.relevantDocs(data.qrels("train"))
        .forEach(
            (q, docs) -> {
              List<String> known = docs.stream().filter(data.corpus()::containsKey).toList();
              if (!known.isEmpty()) {
                out.put(q, known);
              }
            });
    return out;
  }

  public static FeedbackScenario generate(BeirDataset data, TopicNames topics, Settings s) {
    EventCodecs codecs = EventCodecs.create(TextLimits.DEFAULTS);
    FeedbackScenario out = new FeedbackScenario();
    Random rnd = new Random(s.seed()); // the result lists
    SplittableRandom users = new SplittableRandom(s.seed()); // what the users do
    long t0 = s.start().toEpochMilli();
    List<String> corpus = new ArrayList<>();
    for (BeirDocument d : data.corpus().values()) {
      Document doc =
          new Document(
              1, "doc-" + d.id(), s.tenant(), s.start(), d.id(), d.title(), d.text(), s.start());
      out.documents.add(new Event(topics.documents(), d.id(), codecs.documents().encode(doc), t0));
      corpus.add(d.id());
    }
    Map<String, List<String>> train = trainQueries(data);
    List<String> queryIds = new ArrayList<>(train.keySet());
    Collections.sort(queryIds);
    for (int n = 0; n < s.impressions(); n++) {
      String qid = queryIds.get(n % queryIds.size());
      String query = data.queries().get(qid).text();
      List<String> relevant = train.get(qid);
      long start = t0 + n * s.impressionSpacingMs();
      String impressionId = "imp-" + s.seed() + "-" + n;

      // ranked list: relevant docs at random ranks among random others
      Set<String> shown = new LinkedHashSet<>(relevant);
      while (shown.size() < Math.max(s.resultsPerImpression(), relevant.size())) {
        shown.add(corpus.get(rnd.nextInt(corpus.size())));
      }
      List<String> ranked = new ArrayList<>(shown);
      Collections.shuffle(ranked, rnd);
      List<ShownResult> results = new ArrayList<>();
      for (int r = 0; r < ranked.size(); r++) {
        results.add(new ShownResult(ranked.get(r), r + 1, 1.0 - r / 100.0));
      }
      SearchEvent search =
          new SearchEvent(
              1,
              "search-" + impressionId,
              s.tenant(),
              Instant.ofEpochMilli(start),
              impressionId,
              "session-" + (n / 5),
              query,
              qid,
              results,
              "all-minilm-l6-v2",
              null);
      out.events.add(
          new Event(
              topics.searchEvents(), impressionId, codecs.searchEvents().encode(search), start));

      List<UserModel.Action> actions = s.users().act(ranked, new HashSet<>(relevant), users);
      long t = start;
      int i = 1;
      for (UserModel.Action a : actions) {
        t = start + a.offsetMs();
        out.events.add(interaction(codecs, topics, s, impressionId, a, t, n, i++));
      }
      out.expectedClicks.addAll(expectedPairs(impressionId, ranked, actions));

      UserModel.Label grade = s.users().label(relevant, users);
      if (grade != null) {
        RelevanceLabel label =
            new RelevanceLabel(
                1,
                "label-" + impressionId,
                s.tenant(),
                Instant.ofEpochMilli(t + 1),
                query,
                qid,
                grade.docId(),
                grade.grade(),
                LabelSource.ANNOTATOR);
        out.events.add(
            new Event(
                topics.relevanceLabels(),
                RelevanceLabel.key(s.tenant(), query),
                codecs.relevanceLabels().encode(label),
                t + 1));
        out.expectedLabels.add(
            new ExpectedLabelPair(label.eventId(), label.docId(), grade.grade() / 3.0));
      }
    }
    out.events.sort((a, b) -> Long.compare(a.timestampMs(), b.timestampMs()));
    return out;
  }

  /** The click pairs of one impression under the documented pair rules (see the class comment). */
  static List<ExpectedClickPair> expectedPairs(
      String impressionId, List<String> ranked, List<UserModel.Action> actions) {
    long threshold = PairRules.DEFAULTS.dwellThreshold().toMillis();
    Map<String, Long> dwell = new HashMap<>();
    Set<String> up = new HashSet<>();
    Set<String> down = new HashSet<>();
    for (UserModel.Action a : actions) {
      switch (a.kind()) {
        case CLICK -> dwell.merge(a.docId(), a.dwellMs(), Math::max);
        case THUMBS_UP -> up.add(a.docId());
        case THUMBS_DOWN -> down.add(a.docId());
      }
    }
    List<String> positives =
        ranked.stream()
            .filter(
                d ->
                    up.contains(d) || (!down.contains(d) && dwell.getOrDefault(d, 0L) >= threshold))
            .toList();
    if (positives.isEmpty()) {
      return List.of();
    }
    int lowest = ranked.indexOf(positives.get(positives.size() - 1));
    List<String> negatives = new ArrayList<>();
    for (int r = 0; r < ranked.size(); r++) {
      String d = ranked.get(r);
      if (down.contains(d) || (r < lowest && !dwell.containsKey(d) && !positives.contains(d))) {
        negatives.add(d);
      }
    }
    return positives.stream()
        .map(p -> new ExpectedClickPair(impressionId, p, List.copyOf(negatives)))
        .toList();
  }

  private static Event interaction(
      EventCodecs codecs,
      TopicNames topics,
      Settings s,
      String impressionId,
      UserModel.Action a,
      long t,
      int n,
      int i) {
    InteractionType type =
        switch (a.kind()) {
          case CLICK -> InteractionType.CLICK;
          case THUMBS_UP -> InteractionType.THUMBS_UP;
          case THUMBS_DOWN -> InteractionType.THUMBS_DOWN;
        };
    Interaction click =
        new Interaction(
            1,
            "click-" + s.seed() + "-" + n + "-" + i,
            s.tenant(),
            Instant.ofEpochMilli(t),
            impressionId,
            a.docId(),
            type,
            a.kind() == UserModel.Action.Kind.CLICK ? a.dwellMs() : null);
    return new Event(topics.interactions(), impressionId, codecs.interactions().encode(click), t);
  }
}
