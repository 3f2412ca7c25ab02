package io.lorastream.trainer.gate;

import io.lorastream.model.eval.EmbeddingMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the quality gate scores on: queries with their judgments, and the documents to rank.
 *
 * @param queries the evaluation queries, each with at least one relevant document
 * @param poolIds the documents to rank when they go through the model judged ({@code both} mode),
 *     ids
 * @param poolTexts their texts, aligned
 * @param basePool the documents to rank with their base-model embeddings ({@code query} mode: every
 *     document the trainer knows), or null when only the pool's texts are known
 */
public record EvalData(
    List<Query> queries, List<String> poolIds, List<String> poolTexts, EmbeddingMatrix basePool) {

  /**
   * One evaluation query.
   *
   * @param gains relevant document id -> gain > 0
   * @param judged the documents its feedback judged, or null when every document is judged (a fixed
   *     BEIR set)
   */
  public record Query(String id, String text, Map<String, Double> gains, Set<String> judged) {
    public Query {
      Objects.requireNonNull(text, "text");
      gains = Map.copyOf(gains);
      judged = judged == null ? null : Set.copyOf(judged);
      if (gains.isEmpty()) {
        throw new IllegalArgumentException(
            "evaluation query " + id + " has no relevant document; leave it out");
      }
    }
  }

  public EvalData {
    queries = List.copyOf(queries);
    poolIds = List.copyOf(poolIds);
    poolTexts = List.copyOf(poolTexts);
    if (poolIds.size() != poolTexts.size()) {
      throw new IllegalArgumentException(
          poolIds.size() + " pool ids but " + poolTexts.size() + " texts");
    }
  }

  /**
   * The held-out slice, ranked against {@code known} (base embeddings) when given, else against its
   * own pool.
   */
  public static EvalData of(HeldOutSet set, EmbeddingMatrix known) {
    List<Query> queries = new ArrayList<>();
    for (HeldOutSet.Query q : set.scorable()) {
      queries.add(new Query(q.id(), q.text(), q.gains(), q.judged()));
    }
    Map<String, String> pool = set.pool();
    return new EvalData(queries, List.copyOf(pool.keySet()), List.copyOf(pool.values()), known);
  }

  public int queryCount() {
    return queries.size();
  }

  /** Documents ranked: the known corpus in query mode, else the pool. */
  public int rankedDocuments(boolean throughBase) {
    return throughBase && basePool != null ? basePool.size() : poolIds.size();
  }
}
