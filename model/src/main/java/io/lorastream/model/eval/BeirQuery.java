package io.lorastream.model.eval;

/**
 * One queries.jsonl record.
 *
 * @param id {@code _id}
 * @param text {@code text}
 */
public record BeirQuery(String id, String text) {

  public BeirQuery {
    if (id == null || text == null) {
      throw new IllegalArgumentException("id and text must not be null");
    }
  }
}
