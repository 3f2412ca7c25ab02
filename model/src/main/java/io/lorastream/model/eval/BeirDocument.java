package io.lorastream.model.eval;

/**
 * One corpus.jsonl record.
 *
 * @param id {@code _id}
 * @param title {@code title}; empty when the record has none
 * @param text {@code text}
 */
public record BeirDocument(String id, String title, String text) {

  public BeirDocument {
    if (id == null || title == null || text == null) {
      throw new IllegalArgumentException(
          "id, title and text must not be null (title may be empty)");
    }
  }

  /**
   * What gets embedded: {@code title + " " + text}, unstripped, exactly as sentence-transformers'
   * BEIR usage builds the corpus it hands to InformationRetrievalEvaluator ({@code
   * corpus.map(lambda x: {"text": x["title"] + " " + x["text"]})} in the evaluator's docstring). An
   * empty title leaves a leading space, which BERT tokenization drops.
   */
  public String embeddingText() {
    return title + " " + text;
  }
}
