package io.lorastream.model.loss;

import ai.djl.ndarray.NDArray;
import io.lorastream.model.tensor.ScalarOps;

/**
 * MultipleNegativesRankingLoss (InfoNCE with in-batch negatives): each anchor must pick its own
 * positive out of every positive and every hard negative in the batch.
 *
 * <p>As sentence-transformers' {@code MultipleNegativesRankingLoss} (scale = 1 / temperature,
 * similarity = cos_sim, cross-entropy with target i for anchor i, candidates = the positives followed
 * by all hard negatives of the batch): {@code loss_i = logsumexp_j(s * cos(a_i, c_j)) - s * cos(a_i,
 * p_i)}. Per-pair weights give {@code sum(w_i loss_i) / sum(w_i)}, i.e. torch's CrossEntropyLoss
 * with class weights w (target i is class i).
 */
public final class MultipleNegativesRankingLoss implements EmbeddingLoss {

  private final LossConfig config;

  MultipleNegativesRankingLoss(LossConfig config) {
    this.config = config;
  }

  @Override
  public NDArray compute(PairEmbeddings batch) {
    return computeLoss(batch, config.scale());
  }

  @Override
  public LossConfig config() {
    return config;
  }

  /**
   * @param batch B pairs and M >= 0 hard negatives; labels are ignored
   * @param scale multiplier on the cosine scores (20 in sentence-transformers)
   * @return scalar loss
   */
  public static NDArray computeLoss(PairEmbeddings batch, double scale) {
    NDArray anchors = LossMath.working(batch.anchors()); // [B, D]
    NDArray candidates = LossMath.working(batch.positives()); // [B, D]
    if (batch.negatives() != null) {
      candidates = candidates.concat(LossMath.working(batch.negatives()), 0); // [N, D]
    }
    NDArray scores = ScalarOps.mul(LossMath.cosineMatrix(anchors, candidates), scale); // [B, N]
    NDArray logProbabilities = scores.logSoftmax(1); // [B, N]
    NDArray perAnchor = LossMath.diagonal(logProbabilities).neg(); // [B], -log p(c_i | a_i)
    return LossMath.weightedMean(perAnchor, batch.weights());
  }
}
