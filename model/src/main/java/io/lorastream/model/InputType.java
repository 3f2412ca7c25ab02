package io.lorastream.model;

import java.util.Locale;

/**
 * Which side of retrieval a text is on. In the {@code query} adaptation mode only queries go
 * through the adapter; documents keep their base embeddings so an existing index stays valid.
 */
public enum InputType {
  QUERY,
  DOCUMENT;

  public static InputType parse(String s) {
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "query" -> QUERY;
      case "document", "doc", "passage" -> DOCUMENT;
      default ->
          throw new IllegalArgumentException(
              "unknown input_type '" + s + "': expected 'query' or 'document'");
    };
  }
}
