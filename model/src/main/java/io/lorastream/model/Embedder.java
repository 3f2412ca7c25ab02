package io.lorastream.model;

import java.util.List;

/**
 * Turns texts into L2-normalised embeddings. Implemented by the DJL encoder (with or without an
 * adapter) and, in tests and benchmarks, by the ONNX Runtime reference.
 */
public interface Embedder {

  /** Width of the vectors {@link #embed} returns. */
  int dimension();

  /**
   * Embeds texts, one unit-length vector each, in input order.
   *
   * @param texts the texts; each is truncated to the tokenizer's max length (counted, never an
   *     error)
   * @param type query or document side
   * @return {@code [texts.size()][dimension()]}
   */
  float[][] embed(List<String> texts, InputType type);
}
