package io.lorastream.model.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import io.lorastream.model.tensor.OwnedArrays;

/**
 * ContrastiveLoss on labelled pairs (Hadsell, Chopra, LeCun 2006): similar pairs are pulled
 * together, dissimilar ones pushed beyond a margin.
 *
 * <p>As sentence-transformers' {@code ContrastiveLoss} with its defaults (COSINE_DISTANCE, margin
 * 0.5, size_average): with d = 1 - cos(x, y), {@code loss = 0.5 * (l * d^2 + (1 - l) * relu(m -
 * d)^2)}, averaged. Items: the B pairs (a_i, p_i) with label l_i, then every hard negative as a
 * pair (a_owner, n_j) with label 0, since a hard negative is by definition a dissimilar pair.
 * Weights: each item carries its pair's weight.
 */
public final class ContrastiveLoss implements EmbeddingLoss {

  private final LossConfig config;

  ContrastiveLoss(LossConfig config) {
    this.config = config;
  }

  @Override
  public NDArray compute(PairEmbeddings batch) {
    return computeLoss(batch, config.contrastiveMargin());
  }

  @Override
  public LossConfig config() {
    return config;
  }

  /**
   * @param batch B labelled pairs (labels required) and M >= 0 hard negatives
   * @param margin the cosine distance beyond which a dissimilar pair costs nothing, >= 0
   * @return scalar loss, the (weighted) mean over B + M pairs
   * @throws IllegalArgumentException when the batch has no labels
   */
  public static NDArray computeLoss(PairEmbeddings batch, double margin) {
    LabelledPairs pairs = LabelledPairs.of(batch, "contrastive");
    NDArray distance = LossMath.cosineRows(pairs.left(), pairs.right()).neg().add(1.0); // [B + M]
    NDArray label = LossMath.constant(distance, pairs.labels(), new Shape(pairs.labels().length));
    NDArray similar = label.mul(distance.square()); // [B + M]
    NDArray shortfall = Activation.relu(distance.neg().add(margin)); // [B + M], relu(m - d)
    NDArray dissimilar = label.neg().add(1.0).mul(shortfall.square()); // [B + M]
    NDArray perPair = similar.add(dissimilar);
    perPair = perPair.mul(OwnedArrays.scalar(perPair, 0.5f)); // [B + M]
    return LossMath.weightedMean(perPair, pairs.weights());
  }
}
