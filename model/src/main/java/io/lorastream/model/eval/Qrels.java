package io.lorastream.model.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The relevance judgments of one split ({@code qrels/{split}.tsv}).
 *
 * <p>Relevance is binary, as in ST's evaluator (it takes a set of relevant ids per query) and in
 * BEIR's pytrec_eval scoring: a document is relevant when its score is > 0; score 0 (or below)
 * means judged not relevant. On SciFact every score is 1.
 *
 * @param split the split name, e.g. {@code test}
 * @param scores query id -> (document id -> score), in file order
 */
public record Qrels(String split, Map<String, Map<String, Integer>> scores) {

  public Qrels {
    if (split == null || split.isBlank()) {
      throw new IllegalArgumentException("split must not be blank");
    }
    Map<String, Map<String, Integer>> copy = new LinkedHashMap<>();
    scores.forEach(
        (q, docs) -> copy.put(q, Collections.unmodifiableMap(new LinkedHashMap<>(docs))));
    scores = Collections.unmodifiableMap(copy);
  }

  /** The documents judged relevant (score > 0) for a query; empty when none or unjudged. */
  public Set<String> relevant(String queryId) {
    Map<String, Integer> docs = scores.getOrDefault(queryId, Map.of());
    Set<String> out = new LinkedHashSet<>();
    docs.forEach(
        (doc, score) -> {
          if (score > 0) {
            out.add(doc);
          }
        });
    return Collections.unmodifiableSet(out);
  }

  /** Number of judgment lines kept (a repeated query-document pair counts once). */
  public int judgmentCount() {
    return scores.values().stream().mapToInt(Map::size).sum();
  }
}
