package io.lorastream.model.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * TripletLoss: an anchor must be closer to its positive than to a negative by a margin.
 *
 * <p>As sentence-transformers' {@code TripletLoss}: {@code relu(d(a, p) - d(a, n) + margin)},
 * averaged over triplets, with d = 1 - cos (COSINE) or torch's pairwise_distance (EUCLIDEAN).
 *
 * <p>Triplets: every hard negative n_j gives one triplet (a_o, p_o, n_j) with o its owner, so a
 * pair with k hard negatives contributes k triplets, as k rows (a, p, n) would in
 * sentence-transformers. A pair without hard negatives gets one triplet with the batch-hard
 * in-batch negative: the positive of another pair that is closest to its anchor (as
 * BatchHardTripletLoss picks negatives). Only a batch of one pair without hard negatives has no
 * negative at all; it is refused with an error rather than producing NaN or a silent zero. Weights:
 * each triplet carries its pair's weight.
 */
public final class TripletLoss implements EmbeddingLoss {

  private final LossConfig config;

  TripletLoss(LossConfig config) {
    this.config = config;
  }

  @Override
  public NDArray compute(PairEmbeddings batch) {
    return computeLoss(batch, config.tripletDistance(), config.tripletMargin());
  }

  @Override
  public LossConfig config() {
    return config;
  }

  /**
   * @param batch B pairs and M >= 0 hard negatives; labels are ignored
   * @param distance how far apart two embeddings are
   * @param margin how much farther than the positive every negative must be, >= 0
   * @return scalar loss, the (weighted) mean over T = M + (pairs without hard negatives) triplets
   * @throws IllegalArgumentException for a single pair without hard negatives
   */
  public static NDArray computeLoss(PairEmbeddings batch, TripletDistance distance, double margin) {
    int b = batch.batchSize();
    int[] owner = batch.negativeOwner(); // [M]
    int[] counts = batch.negativesPerAnchor(); // [B]
    int[] lonely = IntStream.range(0, b).filter(i -> counts[i] == 0).toArray(); // [S]
    if (lonely.length > 0 && b == 1) {
      throw new IllegalArgumentException(
          "triplet loss has no negative for a batch of one pair"
              + " without hard negatives; send batches of at least 2 pairs (the other pairs' positives"
              + " then serve as negatives) or pairs with hard negatives");
    }
    NDArray anchors = LossMath.working(batch.anchors()); // [B, D]
    NDArray positives = LossMath.working(batch.positives()); // [B, D]
    NDArray positiveDistance = distance.rows(anchors, positives); // [B]

    NDArray hinges = null; // [T]
    if (owner.length > 0) {
      NDArray negatives = LossMath.working(batch.negatives()); // [M, D]
      NDArray negativeDistance = distance.rows(LossMath.rows(anchors, owner), negatives); // [M]
      hinges = hinge(LossMath.rows(positiveDistance, owner), negativeDistance, margin); // [M]
    }
    if (lonely.length > 0) {
      NDArray all = distance.matrix(LossMath.rows(anchors, lonely), positives); // [S, B]
      float[] ownPositive = new float[lonely.length * b];
      for (int s = 0; s < lonely.length; s++) {
        ownPositive[s * b + lonely[s]] = Float.POSITIVE_INFINITY; // never its own positive
      }
      NDArray mask = LossMath.constant(all, ownPositive, new Shape(lonely.length, b));
      NDArray hardest = all.add(mask).min(new int[] {1}, false); // [S]
      NDArray inBatch = hinge(LossMath.rows(positiveDistance, lonely), hardest, margin); // [S]
      hinges = hinges == null ? inBatch : hinges.concat(inBatch, 0); // [T]
    }
    float[] weights = batch.weights();
    float[] tripletWeights =
        weights == null
            ? null
            : concat(LossMath.weightsOf(weights, owner), LossMath.weightsOf(weights, lonely));
    return LossMath.weightedMean(hinges, tripletWeights);
  }

  private static NDArray hinge(NDArray positiveDistance, NDArray negativeDistance, double margin) {
    return Activation.relu(positiveDistance.sub(negativeDistance).add(margin));
  }

  private static float[] concat(float[] first, float[] second) {
    float[] all = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, all, first.length, second.length);
    return all;
  }
}
