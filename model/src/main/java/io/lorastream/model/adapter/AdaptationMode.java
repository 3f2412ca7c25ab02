package io.lorastream.model.adapter;

import java.util.Locale;

/**
 * Which side of retrieval an adapter applies to. {@code QUERY}: only queries go through it,
 * documents keep their base embeddings, so an existing vector index stays valid. {@code BOTH}:
 * queries and documents.
 */
public enum AdaptationMode {
  QUERY,
  BOTH;

  /** The name in manifests and configuration: {@code query} or {@code both}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static AdaptationMode parse(String s) {
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "query" -> QUERY;
      case "both" -> BOTH;
      default ->
          throw new IllegalArgumentException(
              "unknown adaptation mode '" + s + "': expected 'query' or 'both'");
    };
  }
}
