package io.lorastream.model.loss;

import ai.djl.ndarray.NDArray;
import io.lorastream.model.tensor.OwnedArrays;

/**
 * MultipleNegativesRankingLoss (InfoNCE with in-batch negatives): each anchor must pick its own
 * positive out of every positive and every hard negative in the batch.
 *
 * <p>As sentence-transformers' {@code MultipleNegativesRankingLoss} (scale = 1 / temperature,
 * similarity = cos_sim, cross-entropy with target i for anchor i, candidates = the positives
 * followed by all hard negatives of the batch): {@code loss_i = logsumexp_j(s * cos(a_i, c_j)) - s
 * * cos(a_i, p_i)}. Per-pair weights give {@code sum(w_i loss_i) / sum(w_i)}, i.e. torch's
 * CrossEntropyLoss with class weights w (target i is class i).
 *
 * <p>Candidates the batch marks as not negatives of an anchor ({@link
 * PairEmbeddings#notNegative()}: documents known to be relevant to it, such as another pair's
 * positive of the same query) leave that anchor's softmax, as sentence-transformers' {@code
 * CachedMultipleNegativesRankingLoss} does with its duplicate mask: they neither push the anchor
 * away nor count in its normaliser.
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
    NDArray scores = LossMath.cosineMatrix(anchors, candidates);
    scores = scores.mul(OwnedArrays.scalar(scores, (float) scale)); // [B, N]
    if (batch.hasMaskedNegatives()) {
      scores = scores.add(maskOffsets(scores, batch.notNegative())); // masked entries -> about -1e4
    }
    NDArray logProbabilities = scores.logSoftmax(1); // [B, N]
    NDArray perAnchor = LossMath.diagonal(logProbabilities).neg(); // [B], -log p(c_i | a_i)
    return LossMath.weightedMean(perAnchor, batch.weights());
  }

  /**
   * Additive mask [B, N]: 0 where a candidate counts, -1e4 (exp underflows to 0 in float32) where
   * it does not.
   */
  private static NDArray maskOffsets(NDArray scores, boolean[] notNegative) {
    float[] offsets = new float[notNegative.length];
    for (int k = 0; k < offsets.length; k++) {
      offsets[k] = notNegative[k] ? MASKED : 0f;
    }
    return LossMath.constant(scores, offsets, scores.getShape());
  }

  private static final float MASKED = -1e4f;
}
