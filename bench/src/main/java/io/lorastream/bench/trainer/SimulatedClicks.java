package io.lorastream.bench.trainer;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Click feedback simulated on a BEIR split, as the streams app would turn it into training pairs: each
 * query of the split is "searched" with the base model, which shows its top {@code shown} documents; the
 * user clicks every relevant document among them, and the non-relevant documents shown above a click
 * are its hard negatives (skipped), in rank order, at most {@code maxNegatives}. Relevant
 * documents the base model does not show are never clicked: feedback only sees what was shown.
 */
public final class SimulatedClicks {

  private SimulatedClicks() {}

  /**
   * @param corpus the corpus' base embeddings (the search index), rows keyed by doc id
   * @param base embeds the queries as the base model (the searching model)
   * @return one pair per click, queries in file order, clicks in rank order
   */
  public static List<TrainingPair> pairs(
      BeirDataset dataset, String split, EmbeddingMatrix corpus, Embedder base, int shown, int maxNegatives,
      String adapter, String tenant, Instant firstEventTime) {
    Map<String, Set<String>> relevant = dataset.relevantDocs(dataset.qrels(split));
    List<String> queryIds = new ArrayList<>(relevant.keySet());
    List<String> texts = queryIds.stream().map(q -> dataset.queries().get(q).text()).toList();
    float[][] vectors = base.embed(texts, InputType.QUERY);
    List<List<ScoredDoc>> rankings = ExactSearch.topK(vectors, corpus, shown);
    List<TrainingPair> out = new ArrayList<>();
    for (int q = 0; q < queryIds.size(); q++) {
      String qid = queryIds.get(q);
      Set<String> rel = relevant.get(qid);
      List<String> ranked = rankings.get(q).stream().map(ScoredDoc::docId).toList();
      String impression = "imp-" + split + "-" + qid;
      for (int rank = 0; rank < ranked.size(); rank++) {
        String docId = ranked.get(rank);
        if (!rel.contains(docId)) {
          continue;
        }
        List<String> negIds = new ArrayList<>();
        for (int above = 0; above < rank && negIds.size() < maxNegatives; above++) {
          if (!rel.contains(ranked.get(above))) {
            negIds.add(ranked.get(above));
          }
        }
        List<String> sources = List.of("click-" + impression + "-" + docId, impression);
        Instant time = firstEventTime.plusMillis(out.size());
        out.add(new TrainingPair(
            SchemaVersion.CURRENT, PairIds.of(PairKind.CLICK, sources, docId, negIds), PairKind.CLICK, adapter, tenant,
            texts.get(q), passage(dataset, docId), docId, negIds.stream().map(d -> passage(dataset, d)).toList(), negIds,
            1.0, null, sources, time, qid, impression, ranked));
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
