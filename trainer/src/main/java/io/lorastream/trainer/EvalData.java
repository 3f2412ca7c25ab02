package io.lorastream.trainer;

import io.lorastream.model.eval.EmbeddingMatrix;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the quality gate scores on: queries, their relevant documents and a pool to rank.
 *
 * @param queries query id -> text, only queries with a relevant document
 * @param relevant query id -> relevant doc ids
 * @param poolIds pool document ids
 * @param poolTexts their texts, aligned
 * @param basePool the pool's base-model embeddings when known in advance (a fixed BEIR set's cached corpus),
 *     else null and the gate embeds (or looks up) the texts
 */
public record EvalData(
    Map<String, String> queries,
    Map<String, Set<String>> relevant,
    List<String> poolIds,
    List<String> poolTexts,
    EmbeddingMatrix basePool) {

  public EvalData {
    Objects.requireNonNull(queries, "queries");
    Objects.requireNonNull(relevant, "relevant");
    poolIds = List.copyOf(poolIds);
    poolTexts = List.copyOf(poolTexts);
    if (poolIds.size() != poolTexts.size()) {
      throw new IllegalArgumentException(poolIds.size() + " pool ids but " + poolTexts.size() + " texts");
    }
    if (basePool != null && !basePool.ids().equals(poolIds)) {
      throw new IllegalArgumentException("the base pool's ids differ from the pool's");
    }
  }

  /** The held-out slice as evaluation data. */
  public static EvalData of(HeldOutSet set) {
    Map<String, String> pool = set.pool();
    return new EvalData(
        set.scorableQueryTexts(), set.relevant(), List.copyOf(pool.keySet()), List.copyOf(pool.values()), null);
  }

  public int queryCount() {
    return queries.size();
  }
}
