package io.lorastream.model.reference;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import io.lorastream.model.Embedder;
import io.lorastream.model.InputType;
import java.util.List;

/**
 * Any langchain4j {@link EmbeddingModel} as an {@link Embedder}; above all langchain4j's own
 * all-MiniLM-L6-v2 under ONNX Runtime, the oracle of the parity tests.
 *
 * <p>Know the oracle's own rules: it embeds texts one at a time (no padding), rejects empty or
 * whitespace-only text, and uses the bundled tokenizer.json's truncation as is.
 */
public final class LangChain4jEmbedder implements Embedder {
  private final EmbeddingModel model;

  public LangChain4jEmbedder(EmbeddingModel model) {
    if (model == null) {
      throw new IllegalArgumentException("model must not be null");
    }
    this.model = model;
  }

  /** langchain4j's all-MiniLM-L6-v2 (loads its ONNX model once per JVM). */
  public static AllMiniLmL6V2EmbeddingModel allMiniLmL6V2Model() {
    return new AllMiniLmL6V2EmbeddingModel();
  }

  /** {@link #allMiniLmL6V2Model()} as an Embedder. */
  public static LangChain4jEmbedder allMiniLmL6V2() {
    return new LangChain4jEmbedder(allMiniLmL6V2Model());
  }

  public EmbeddingModel model() {
    return model;
  }

  @Override
  public int dimension() {
    return model.dimension();
  }

  @Override
  public float[][] embed(List<String> texts, InputType type) {
    if (texts.isEmpty()) {
      return new float[0][];
    }
    List<TextSegment> segments = texts.stream().map(TextSegment::from).toList();
    List<Embedding> embeddings = model.embedAll(segments).content();
    float[][] out = new float[embeddings.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = embeddings.get(i).vector();
    }
    return out;
  }
}
