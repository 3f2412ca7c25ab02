package io.lorastream.model.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Base-model embeddings of documents by text, least recently used evicted first. In query mode a
 * document's embedding never changes, and feedback shows the same documents again and again.
 */
final class DocumentEmbeddingCache {

  private final Map<String, float[]> entries;

  DocumentEmbeddingCache(int capacity) {
    this.entries =
        new LinkedHashMap<>(256, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
            return size() > capacity;
          }
        };
  }

  float[] get(String text) {
    return entries.get(text);
  }

  void put(String text, float[] embedding) {
    entries.put(text, embedding);
  }

  int size() {
    return entries.size();
  }
}
