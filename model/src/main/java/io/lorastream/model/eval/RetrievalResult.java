package io.lorastream.model.eval;

import java.util.List;

/**
 * The outcome of one retrieval evaluation.
 *
 * @param scores the dataset figures (means over queries)
 * @param queries per-query rankings and metrics, in evaluation order
 * @param documentCount how many documents were searched
 * @param skippedQueries queries that could not be scored: judged in the split but absent from
 *     queries.jsonl, or with no judgment above 0 (ST leaves both out too)
 * @param corpusFromCache whether the document embeddings came from the {@link EmbeddingCache}
 */
public record RetrievalResult(
    RetrievalScores scores,
    List<QueryResult> queries,
    int documentCount,
    int skippedQueries,
    boolean corpusFromCache) {

  public RetrievalResult {
    if (scores == null) {
      throw new IllegalArgumentException("scores must not be null");
    }
    queries = List.copyOf(queries);
    if (queries.size() != scores.queryCount()) {
      throw new IllegalArgumentException(
          queries.size()
              + " per-query results but scores average "
              + scores.queryCount()
              + " queries");
    }
    if (documentCount < 1 || skippedQueries < 0) {
      throw new IllegalArgumentException(
          "documentCount must be >= 1 and skippedQueries >= 0, got "
              + documentCount
              + ", "
              + skippedQueries);
    }
  }
}
