package io.lorastream.model.eval;

/**
 * A retrieved document and its similarity to the query.
 *
 * @param docId the document's id
 * @param score cosine similarity (dot product of unit vectors)
 */
public record ScoredDoc(String docId, float score) {
  public ScoredDoc {
    if (docId == null) {
      throw new IllegalArgumentException("docId must not be null");
    }
  }
}
