package io.lorastream.bench.trainer;

import io.lorastream.bench.users.UserModel;
import io.lorastream.model.Embedder;
import io.lorastream.model.InputType;
import io.lorastream.model.eval.BeirDataset;
import io.lorastream.model.eval.BeirDocument;
import io.lorastream.model.eval.EmbeddingMatrix;
import io.lorastream.model.eval.ExactSearch;
import io.lorastream.model.eval.ScoredDoc;
import io.lorastream.schemas.PairIds;
import io.lorastream.schemas.PairKind;
import io.lorastream.schemas.SchemaVersion;
import io.lorastream.schemas.TrainingPair;
import io.lorastream.streams.config.PairRules;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Click pairs from simulated users on a BEIR split, without Kafka: each query of the split is
 * "searched" once with the base model, which shows its top {@code shown} documents, and a {@link
 * UserModel} acts on them. Every click the user dwelt on for at least the streams app's default
 * dwell threshold, or voted up, is a pair; its hard negatives are the documents shown above it that
 * the user did not click (skip-above), in rank order, at most {@code maxNegatives}. Relevant
 * documents the base model does not show are never clicked: feedback only sees what was shown.
 *
 * <p>By default the user is {@link UserModel#THOROUGH}: every relevant document shown is clicked
 * and nothing else, so the pairs are the same on every run.
 */
public final class SimulatedClicks {

  private SimulatedClicks() {}

  /**
   * The {@link UserModel#THOROUGH} user's pairs.
   *
   * @param corpus the corpus' base embeddings (the search index), rows keyed by doc id
   * @param base embeds the queries as the base model (the searching model)
   * @return one pair per click, queries in file order, clicks in rank order
   */
  public static List<TrainingPair> pairs(
      BeirDataset dataset,
      String split,
      EmbeddingMatrix corpus,
      Embedder base,
      int shown,
      int maxNegatives,
      String adapter,
      String tenant,
      Instant firstEventTime) {
    return pairs(
        dataset,
        split,
        corpus,
        base,
        shown,
        maxNegatives,
        adapter,
        tenant,
        firstEventTime,
        UserModel.THOROUGH,
        0);
  }

  /**
   * @param users who searches
   * @param seed the users' randomness
   * @return one pair per satisfied click, queries in file order, clicks in rank order
   */
  public static List<TrainingPair> pairs(
      BeirDataset dataset,
      String split,
      EmbeddingMatrix corpus,
      Embedder base,
      int shown,
      int maxNegatives,
      String adapter,
      String tenant,
      Instant firstEventTime,
      UserModel users,
      long seed) {
    long threshold = PairRules.DEFAULTS.dwellThreshold().toMillis();
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, Set<String>> relevant = dataset.relevantDocs(dataset.qrels(split));
    List<String> queryIds = new ArrayList<>(relevant.keySet());
    List<String> texts = queryIds.stream().map(q -> dataset.queries().get(q).text()).toList();
    float[][] vectors = base.embed(texts, InputType.QUERY);
    List<List<ScoredDoc>> rankings = ExactSearch.topK(vectors, corpus, shown);
    List<TrainingPair> out = new ArrayList<>();
    for (int q = 0; q < queryIds.size(); q++) {
      String qid = queryIds.get(q);
      List<String> ranked = rankings.get(q).stream().map(ScoredDoc::docId).toList();
      List<UserModel.Action> actions = users.act(ranked, relevant.get(qid), random);
      Set<String> clicked = new HashSet<>();
      Set<String> satisfied = new HashSet<>();
      for (UserModel.Action a : actions) {
        if (a.kind() == UserModel.Action.Kind.CLICK) {
          clicked.add(a.docId());
          if (a.dwellMs() >= threshold) {
            satisfied.add(a.docId());
          }
        } else if (a.kind() == UserModel.Action.Kind.THUMBS_UP) {
          satisfied.add(a.docId());
        }
      }
      String impression = "imp-" + split + "-" + qid;
      for (int rank = 0; rank < ranked.size(); rank++) {
        String docId = ranked.get(rank);
        if (!satisfied.contains(docId)) {
          continue;
        }
        List<String> negIds = new ArrayList<>();
        for (int above = 0; above < rank && negIds.size() < maxNegatives; above++) {
          if (!clicked.contains(ranked.get(above))) {
            negIds.add(ranked.get(above));
          }
        }
        List<String> sources = List.of("click-" + impression + "-" + docId, impression);
        Instant time = firstEventTime.plusMillis(out.size());
        out.add(
            new TrainingPair(
                SchemaVersion.CURRENT,
                PairIds.of(PairKind.CLICK, sources, docId, negIds),
                PairKind.CLICK,
                adapter,
                tenant,
                texts.get(q),
                passage(dataset, docId),
                docId,
                negIds.stream().map(d -> passage(dataset, d)).toList(),
                negIds,
                1.0,
                null,
                sources,
                time,
                qid,
                impression,
                ranked));
      }
    }
    return out;
  }

  /** A document's text as the pairs carry it: what the corpus embeddings were computed from. */
  public static String passage(BeirDataset dataset, String docId) {
    BeirDocument d = dataset.corpus().get(docId);
    return d.embeddingText();
  }
}
