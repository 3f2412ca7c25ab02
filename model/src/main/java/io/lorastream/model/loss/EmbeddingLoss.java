package io.lorastream.model.loss;

import ai.djl.ndarray.NDArray;

/**
 * A training objective on a batch of embeddings. Implementations are stateless and thread-safe; the
 * math lives in each class's static {@code compute} function.
 */
public interface EmbeddingLoss {

  /**
   * The loss of one batch: a scalar to call {@code backward} on, attached to the anchors' manager.
   * Call it inside the training step's {@code NDScope} so its intermediates are freed with the
   * step.
   *
   * @throws IllegalArgumentException when the batch lacks what this loss needs (e.g. labels)
   */
  NDArray compute(PairEmbeddings batch);

  /** The configuration that built this loss. */
  LossConfig config();
}
