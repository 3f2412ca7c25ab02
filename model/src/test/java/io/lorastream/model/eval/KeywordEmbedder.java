package io.lorastream.model.eval;

import io.lorastream.model.Embedder;
import io.lorastream.model.InputType;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hand-checkable embedder (the idea of ST's own evaluator test): one dimension per keyword,
 * counting its occurrences, scaled to unit length. It counts the texts it embeds per side.
 */
final class KeywordEmbedder implements Embedder {
  static final List<String> KEYWORDS = List.of("apple", "banana", "cherry", "date");

  final AtomicInteger documentTexts = new AtomicInteger();
  final AtomicInteger queryTexts = new AtomicInteger();

  @Override
  public int dimension() {
    return KEYWORDS.size();
  }

  @Override
  public float[][] embed(List<String> texts, InputType type) {
    (type == InputType.DOCUMENT ? documentTexts : queryTexts).addAndGet(texts.size());
    float[][] out = new float[texts.size()][];
    for (int t = 0; t < texts.size(); t++) {
      float[] v = new float[KEYWORDS.size()];
      for (String word : texts.get(t).toLowerCase(Locale.ROOT).split("\\W+")) {
        int i = KEYWORDS.indexOf(word);
        if (i >= 0) {
          v[i]++;
        }
      }
      double norm = 0;
      for (float x : v) {
        norm += x * x;
      }
      for (int i = 0; i < v.length; i++) {
        v[i] /= (float) Math.sqrt(norm);
      }
      out[t] = v;
    }
    return out;
  }
}
