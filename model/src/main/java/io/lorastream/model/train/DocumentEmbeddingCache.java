package io.lorastream.model.train;

import io.lorastream.model.EncoderEmbedder;
import io.lorastream.model.encoder.BertEncoder;
import io.lorastream.model.tokenize.TextTokenizer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Base-model embeddings of documents by text, least recently used evicted first. In query mode a
 * document's embedding never changes, and feedback shows the same documents again and again; the
 * trainer shares one cache between the training sessions and the quality gate's document pool, so
 * each document is embedded once. A cache holds the vectors of one base encoder at one max length:
 * never share it between encoders or tokenizers. Thread-safe.
 */
public final class DocumentEmbeddingCache {

  private final Map<String, float[]> entries;

  /** A cache of at most {@code capacity} documents. */
  public DocumentEmbeddingCache(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException(
          "document embedding cache capacity must be >= 1, got " + capacity);
    }
    this.entries =
        new LinkedHashMap<>(256, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
            return size() > capacity;
          }
        };
  }

  /** The cached embedding of {@code text}, or null. */
  public synchronized float[] get(String text) {
    return entries.get(text);
  }

  /** Stores a base embedding [H] of {@code text}, e.g. one taken from an existing vector index. */
  public synchronized void put(String text, float[] embedding) {
    entries.put(text, embedding);
  }

  public synchronized int size() {
    return entries.size();
  }

  /**
   * The base embedding of {@code text} [H], from the cache or computed and stored. Computed one
   * document per pass: padding changes matrix shapes and with them the last bits of the result, so
   * a document's embedding must not depend on the batch it first came in (training resumed from a
   * checkpoint starts with an empty cache and must repeat exactly).
   */
  public float[] getOrCompute(BertEncoder encoder, TextTokenizer tokenizer, String text) {
    float[] v = get(text);
    if (v == null) {
      v = EncoderEmbedder.embedBatch(encoder, tokenizer.encode(List.of(text)))[0];
      put(text, v);
    }
    return v;
  }
}
