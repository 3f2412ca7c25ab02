package io.lorastream.model.loss;

import ai.djl.ndarray.NDArray;
import io.lorastream.model.tensor.OwnedArrays;
import java.util.List;

/**
 * MatryoshkaLoss (Kusupati et al. 2022): another loss applied to the embeddings truncated to
 * several widths, so that a prefix of the vector is a usable embedding on its own.
 *
 * <p>As sentence-transformers' {@code MatryoshkaLoss} (n_dims_per_step = -1): for each width d_k,
 * the first d_k components of every embedding, L2-normalised again ({@code shrink}), go through the
 * wrapped loss; the result is {@code sum_k w_k * inner(truncate(batch, d_k))}. Every width must be
 * at most the embedding width D.
 */
public final class MatryoshkaLoss implements EmbeddingLoss {

  private final LossConfig config;
  private final EmbeddingLoss inner;

  MatryoshkaLoss(LossConfig config, EmbeddingLoss inner) {
    this.config = config;
    this.inner = inner;
  }

  @Override
  public NDArray compute(PairEmbeddings batch) {
    return computeLoss(batch, inner, config.matryoshkaDims(), config.matryoshkaWeights());
  }

  @Override
  public LossConfig config() {
    return config;
  }

  /** The loss applied at every width. */
  public EmbeddingLoss inner() {
    return inner;
  }

  /**
   * @param batch the full-width batch, [*, D]
   * @param inner the loss to apply at each width
   * @param dims widths d_k, each 1 <= d_k <= D
   * @param weights one weight per width
   * @return scalar, the weighted sum of the inner loss over widths
   * @throws IllegalArgumentException when a width exceeds D
   */
  public static NDArray computeLoss(
      PairEmbeddings batch, EmbeddingLoss inner, List<Integer> dims, List<Double> weights) {
    if (dims.size() != weights.size() || dims.isEmpty()) {
      throw new IllegalArgumentException(
          "matryoshka needs one weight per dim, got dims " + dims + " and weights " + weights);
    }
    requireDimsFit(dims, batch.dimension());
    NDArray total = null;
    for (int k = 0; k < dims.size(); k++) {
      NDArray term = inner.compute(batch.truncated(dims.get(k)));
      term = term.mul(OwnedArrays.scalar(term, weights.get(k).floatValue()));
      total = total == null ? term : total.add(term);
    }
    return total;
  }

  /** Fails unless every width fits in D-dimensional embeddings. */
  static void requireDimsFit(List<Integer> dims, int embeddingDim) {
    for (int dim : dims) {
      if (dim > embeddingDim) {
        throw new IllegalArgumentException(
            "matryoshka dim "
                + dim
                + " exceeds the model's embedding"
                + " width "
                + embeddingDim
                + "; configure dims <= "
                + embeddingDim
                + " (got "
                + dims
                + ")");
      }
    }
  }
}
