package io.lorastream.schemas;

import java.util.Objects;

/**
 * One result shown in an impression.
 *
 * @param rank 1 = top of the list
 * @param score the ranker's score (informational; the click model uses rank)
 */
public record ShownResult(String docId, int rank, double score) {
  public ShownResult {
    Objects.requireNonNull(docId, "doc_id");
    if (rank < 1) {
      throw new IllegalArgumentException("rank must be >= 1, got " + rank + " for doc " + docId);
    }
  }
}
