package io.lorastream.model.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * CosineSimilarityLoss: the cosine of each labelled pair should equal its label.
 *
 * <p>As sentence-transformers' {@code CosineSimilarityLoss} with its defaults (loss_fct = MSELoss,
 * identity transformation): {@code mean((cos(x, y) - l)^2)}. Items: the B pairs with label l_i in
 * [0, 1], then every hard negative as a pair (a_owner, n_j) with label 0 (the label a grade-0 pair
 * gets). Weights: each item carries its pair's weight.
 */
public final class CosineSimilarityLoss implements EmbeddingLoss {

  private final LossConfig config;

  CosineSimilarityLoss(LossConfig config) {
    this.config = config;
  }

  @Override
  public NDArray compute(PairEmbeddings batch) {
    return computeLoss(batch);
  }

  @Override
  public LossConfig config() {
    return config;
  }

  /**
   * @param batch B labelled pairs (labels required) and M >= 0 hard negatives
   * @return scalar loss, the (weighted) mean squared error over B + M pairs
   * @throws IllegalArgumentException when the batch has no labels
   */
  public static NDArray computeLoss(PairEmbeddings batch) {
    LabelledPairs pairs = LabelledPairs.of(batch, "cosine");
    NDArray cosine = LossMath.cosineRows(pairs.left(), pairs.right()); // [B + M]
    NDArray label = LossMath.constant(cosine, pairs.labels(), new Shape(pairs.labels().length));
    NDArray squaredError = cosine.sub(label).square(); // [B + M]
    return LossMath.weightedMean(squaredError, pairs.weights());
  }
}
