package io.lorastream.model.loss;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;

/**
 * A batch flattened into labelled pairs for the pair losses: the B (anchor, positive) pairs with
 * their labels, followed by one (owner anchor, hard negative) pair per hard negative with label 0.
 *
 * @param left [B + M, D] anchors, each hard negative's owner repeated
 * @param right [B + M, D] positives, then hard negatives
 * @param labels [B + M] the pair labels, then zeros
 * @param weights [B + M] the pair weights, each hard negative with its owner's; null when
 *     unweighted
 */
record LabelledPairs(NDArray left, NDArray right, float[] labels, float[] weights) {

  static LabelledPairs of(PairEmbeddings batch, String lossName) {
    float[] pairLabels = batch.labels();
    if (pairLabels == null) {
      throw new IllegalArgumentException(
          "the "
              + lossName
              + " loss needs a label per pair (1 ="
              + " similar, 0 = dissimilar) but this batch has none; attach labels with"
              + " PairEmbeddings.withLabels or choose the 'mnrl' or 'triplet' loss for unlabelled pairs");
    }
    NDArray anchors = LossMath.working(batch.anchors()); // [B, D]
    NDArray positives = LossMath.working(batch.positives()); // [B, D]
    int[] owner = batch.negativeOwner(); // [M]
    int b = batch.batchSize();
    float[] labels = Arrays.copyOf(pairLabels, b + owner.length); // negatives: 0
    float[] pairWeights = batch.weights();
    float[] weights = null;
    if (pairWeights != null) {
      weights = Arrays.copyOf(pairWeights, b + owner.length);
      for (int j = 0; j < owner.length; j++) {
        weights[b + j] = pairWeights[owner[j]];
      }
    }
    if (owner.length == 0) {
      return new LabelledPairs(anchors, positives, labels, weights);
    }
    NDArray left = anchors.concat(LossMath.rows(anchors, owner), 0); // [B + M, D]
    NDArray right = positives.concat(LossMath.working(batch.negatives()), 0); // [B + M, D]
    return new LabelledPairs(left, right, labels, weights);
  }
}
