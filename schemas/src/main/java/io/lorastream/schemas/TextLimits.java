package io.lorastream.schemas;

/**
 * Length limits on the texts events carry, in UTF-16 chars ({@link String#length()}). A longer text
 * sends the event to the dead-letter topic with reason {@code text_too_long}.
 *
 * @param maxQueryChars query texts (search events, relevance labels); default 1,024
 * @param maxDocumentChars a document's title plus text; default 100,000
 */
public record TextLimits(int maxQueryChars, int maxDocumentChars) {

  public static final TextLimits DEFAULTS = new TextLimits(1_024, 100_000);

  public TextLimits {
    if (maxQueryChars < 1) {
      throw new IllegalArgumentException("max-query-chars must be >= 1, got " + maxQueryChars);
    }
    if (maxDocumentChars < 1) {
      throw new IllegalArgumentException(
          "max-document-chars must be >= 1, got " + maxDocumentChars);
    }
  }
}
