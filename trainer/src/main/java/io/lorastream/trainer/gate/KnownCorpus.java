package io.lorastream.trainer.gate;

import io.lorastream.model.EncoderEmbedder;
import io.lorastream.model.encoder.BertEncoder;
import io.lorastream.model.eval.EmbeddingMatrix;
import io.lorastream.model.tokenize.TextTokenizer;
import io.lorastream.model.train.DocumentEmbeddingCache;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every document the trainer knows, by id, with its base-model embedding: what the quality gate
 * ranks held-out queries against in {@code query} mode, so that a candidate is judged on the corpus
 * users search rather than on the few documents its pairs showed. Documents arrive with pairs
 * (positives and negatives, trained or held out) and from whatever primes the trainer with an
 * index's vectors; their embeddings come from the shared document cache when it has them, else are
 * computed in batches before the gate runs. Bounded: beyond {@code capacity} the documents known
 * longest go first. One instance per base encoder and max length. Thread-safe.
 */
public final class KnownCorpus {

  private static final int EMBED_BATCH = 32;

  private final int capacity;
  private final LinkedHashMap<String, float[]> vectors = new LinkedHashMap<>();
  private final LinkedHashMap<String, String> pending = new LinkedHashMap<>();
  private EmbeddingMatrix snapshot;

  public KnownCorpus(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("known corpus capacity must be >= 1, got " + capacity);
    }
    this.capacity = capacity;
  }

  /** A document seen in a pair: embedded before the next gate unless its vector is known. */
  public synchronized void offer(String id, String text) {
    if (!vectors.containsKey(id)) {
      pending.put(id, text);
      trim(pending);
    }
  }

  /**
   * A document with its base embedding [H] (e.g. from an existing vector index); replaces an older
   * one.
   */
  public synchronized void put(String id, float[] embedding) {
    pending.remove(id);
    vectors.remove(id);
    vectors.put(id, embedding);
    trim(vectors);
    snapshot = null;
  }

  /** Documents known with their embedding. */
  public synchronized int size() {
    return vectors.size();
  }

  /** Documents waiting for an embedding. */
  public synchronized int pendingCount() {
    return pending.size();
  }

  /**
   * Embeds the waiting documents with the base encoder, taking each from {@code cache} when it has
   * it, and computing at most {@code maxComputed} (the rest waits for the next call, so that one
   * call stays short). Returns how many were added.
   */
  public int embedPending(
      BertEncoder base, TextTokenizer tokenizer, DocumentEmbeddingCache cache, int maxComputed) {
    Map<String, String> todo;
    synchronized (this) {
      todo = new LinkedHashMap<>(pending);
    }
    List<String> ids = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    int added = 0;
    for (Map.Entry<String, String> e : todo.entrySet()) {
      float[] v = cache.get(e.getValue());
      if (v != null) {
        put(e.getKey(), v);
        added++;
      } else if (texts.size() < maxComputed) {
        ids.add(e.getKey());
        texts.add(e.getValue());
      }
    }
    for (int from = 0; from < texts.size(); from += EMBED_BATCH) {
      int to = Math.min(texts.size(), from + EMBED_BATCH);
      float[][] v = EncoderEmbedder.embedBatch(base, tokenizer.encode(texts.subList(from, to)));
      for (int i = 0; i < v.length; i++) {
        put(ids.get(from + i), v[i]);
        added++;
      }
    }
    return added;
  }

  /** The embedded documents as one matrix [N, H], N >= 1, or null when none is known yet. */
  public synchronized EmbeddingMatrix matrix() {
    if (snapshot == null && !vectors.isEmpty()) {
      snapshot =
          EmbeddingMatrix.of(
              new ArrayList<>(vectors.keySet()), vectors.values().toArray(new float[0][]));
    }
    return snapshot;
  }

  private <V> void trim(LinkedHashMap<String, V> map) {
    Iterator<String> it = map.keySet().iterator();
    while (map.size() > capacity && it.hasNext()) {
      it.next();
      it.remove();
    }
  }
}
