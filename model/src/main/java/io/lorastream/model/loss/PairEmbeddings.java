package io.lorastream.model.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * One training batch as the losses see it: the embeddings of B (anchor, positive) pairs, the hard
 * negatives of all pairs flattened into one matrix, and optional per-pair labels and weights.
 *
 * <p>Labels and weights are host arrays rather than tensors: they come from the batch's records,
 * never need a gradient, and can be validated here without a device round trip.
 *
 * @param anchors [B, D] anchor (query) embeddings; B >= 1
 * @param positives [B, D] the document paired with each anchor (for labelled pairs, "the other
 *     side")
 * @param negatives [M, D] hard negatives of the whole batch, or null when M = 0
 * @param negativeOwner [M] for each hard negative, the index (0..B-1) of the anchor it belongs to
 * @param labels [B] pair labels in [0, 1] (1 = similar), or null; required by contrastive and
 *     cosine
 * @param weights [B] per-pair weights >= 0 with a positive sum, or null for equal weights
 * @param notNegative [B, B + M] row-major, or null: true where candidate j (the B positives, then
 *     the M hard negatives) is known to be relevant to anchor i and so must not count as one of its
 *     negatives (false-negative masking); an anchor's own positive (j = i) is never masked
 */
public record PairEmbeddings(
    NDArray anchors,
    NDArray positives,
    NDArray negatives,
    int[] negativeOwner,
    float[] labels,
    float[] weights,
    boolean[] notNegative) {

  public PairEmbeddings {
    if (anchors == null || positives == null) {
      throw new IllegalArgumentException(
          "PairEmbeddings needs anchors and positives, got "
              + (anchors == null ? "no anchors" : "no positives"));
    }
    Shape a = anchors.getShape();
    if (a.dimension() != 2 || a.get(0) < 1 || a.get(1) < 1) {
      throw new IllegalArgumentException("anchors must be [B, D] with B >= 1 and D >= 1, got " + a);
    }
    if (!positives.getShape().equals(a)) {
      throw new IllegalArgumentException(
          "positives must have the anchors' shape " + a + ", got " + positives.getShape());
    }
    requireFloating("anchors", anchors.getDataType());
    requireSameType("positives", positives.getDataType(), anchors.getDataType());
    int b = (int) a.get(0);
    negativeOwner = negativeOwner == null ? new int[0] : negativeOwner.clone();
    if (negatives == null) {
      if (negativeOwner.length > 0) {
        throw new IllegalArgumentException(
            "negativeOwner names "
                + negativeOwner.length
                + " hard negatives but negatives is null; pass the [M, D] negatives or no owners");
      }
    } else {
      Shape n = negatives.getShape();
      if (n.dimension() != 2 || n.get(1) != a.get(1)) {
        throw new IllegalArgumentException(
            "negatives must be [M, D] with the anchors' D = " + a.get(1) + ", got " + n);
      }
      requireSameType("negatives", negatives.getDataType(), anchors.getDataType());
      if (n.get(0) != negativeOwner.length) {
        throw new IllegalArgumentException(
            "negativeOwner must name the anchor of each of the "
                + n.get(0)
                + " hard negatives, got "
                + negativeOwner.length
                + " owners");
      }
      if (n.get(0) == 0) {
        negatives = null;
      }
    }
    for (int i = 0; i < negativeOwner.length; i++) {
      if (negativeOwner[i] < 0 || negativeOwner[i] >= b) {
        throw new IllegalArgumentException(
            "negativeOwner["
                + i
                + "] = "
                + negativeOwner[i]
                + " is not an anchor index in 0.."
                + (b - 1));
      }
    }
    if (labels != null) {
      labels = labels.clone();
      requireLength("labels", labels.length, b);
      for (int i = 0; i < b; i++) {
        if (!(labels[i] >= 0f && labels[i] <= 1f)) {
          throw new IllegalArgumentException(
              "labels["
                  + i
                  + "] = "
                  + labels[i]
                  + " is outside [0, 1]; map grades to [0, 1] first (e.g. grade / 3)");
        }
      }
    }
    if (weights != null) {
      weights = weights.clone();
      requireLength("weights", weights.length, b);
      double sum = 0;
      for (int i = 0; i < b; i++) {
        if (!(weights[i] >= 0f) || !Float.isFinite(weights[i])) {
          throw new IllegalArgumentException(
              "weights[" + i + "] = " + weights[i] + " must be a finite number >= 0");
        }
        sum += weights[i];
      }
      if (!(sum > 0)) {
        throw new IllegalArgumentException(
            "weights must not all be 0: the weighted mean of the"
                + " batch would be undefined; drop the batch or give some pair a positive weight");
      }
    }
    if (notNegative != null) {
      notNegative = notNegative.clone();
      int n = b + negativeOwner.length;
      if (notNegative.length != b * n) {
        throw new IllegalArgumentException(
            "notNegative must be [B, B + M] = ["
                + b
                + ", "
                + n
                + "] row-major, got "
                + notNegative.length
                + " values");
      }
      for (int i = 0; i < b; i++) {
        if (notNegative[i * n + i]) {
          throw new IllegalArgumentException(
              "notNegative["
                  + i
                  + ", "
                  + i
                  + "] masks anchor "
                  + i
                  + "'s own positive; only other candidates can be masked");
        }
      }
    }
  }

  /** Unlabelled, unweighted pairs without hard negatives (MNRL's in-batch negatives only). */
  public static PairEmbeddings of(NDArray anchors, NDArray positives) {
    return new PairEmbeddings(anchors, positives, null, null, null, null, null);
  }

  /** The same batch with hard negatives ([M, D], each owned by anchor {@code owner[j]}). */
  public PairEmbeddings withNegatives(NDArray negatives, int... owner) {
    return new PairEmbeddings(anchors, positives, negatives, owner, labels, weights, null);
  }

  /** The same batch with one label in [0, 1] per pair. */
  public PairEmbeddings withLabels(float... labels) {
    return new PairEmbeddings(
        anchors, positives, negatives, negativeOwner, labels, weights, notNegative);
  }

  /** The same batch with one weight >= 0 per pair. */
  public PairEmbeddings withWeights(float... weights) {
    return new PairEmbeddings(
        anchors, positives, negatives, negativeOwner, labels, weights, notNegative);
  }

  /**
   * The same batch with candidates masked out of anchors' negatives ([B, B + M] row-major, see the
   * record). Set it after the hard negatives, whose count fixes the width.
   */
  public PairEmbeddings withNotNegative(boolean... notNegative) {
    return new PairEmbeddings(
        anchors, positives, negatives, negativeOwner, labels, weights, notNegative);
  }

  @Override
  public boolean[] notNegative() {
    return notNegative == null ? null : notNegative.clone();
  }

  /** True when some candidate is masked out of some anchor's negatives. */
  public boolean hasMaskedNegatives() {
    if (notNegative != null) {
      for (boolean m : notNegative) {
        if (m) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public int[] negativeOwner() {
    return negativeOwner.clone();
  }

  @Override
  public float[] labels() {
    return labels == null ? null : labels.clone();
  }

  @Override
  public float[] weights() {
    return weights == null ? null : weights.clone();
  }

  /** B, the number of (anchor, positive) pairs. */
  public int batchSize() {
    return (int) anchors.getShape().get(0);
  }

  /** D, the embedding width. */
  public int dimension() {
    return (int) anchors.getShape().get(1);
  }

  /** M, the number of hard negatives in the batch. */
  public int negativeCount() {
    return negativeOwner.length;
  }

  /** How many hard negatives each anchor owns, [B]. */
  public int[] negativesPerAnchor() {
    int[] counts = new int[batchSize()];
    for (int owner : negativeOwner) {
      counts[owner]++;
    }
    return counts;
  }

  /**
   * The first {@code dim} components of every embedding, L2-normalised again (the Matryoshka view).
   * Labels, weights and owners are shared. The new arrays are attached to the inputs' managers.
   */
  public PairEmbeddings truncated(int dim) {
    if (dim < 1 || dim > dimension()) {
      throw new IllegalArgumentException(
          "cannot truncate "
              + dimension()
              + "-dimensional embeddings to "
              + dim
              + " dimensions: need 1 <= dim <= "
              + dimension());
    }
    return new PairEmbeddings(
        shrink(anchors, dim),
        shrink(positives, dim),
        negatives == null ? null : shrink(negatives, dim),
        negativeOwner,
        labels,
        weights,
        notNegative);
  }

  // Same as sentence-transformers' MatryoshkaLoss.shrink: slice, then F.normalize (p=2, eps=1e-12).
  private static NDArray shrink(NDArray x, int dim) {
    NDArray sliced = x.get(new NDIndex().addAllDim().addSliceDim(0, dim)); // [*, dim]
    return LossMath.l2Normalize(sliced);
  }

  private static void requireFloating(String field, DataType type) {
    if (type != DataType.FLOAT32 && type != DataType.FLOAT64 && type != DataType.FLOAT16) {
      throw new IllegalArgumentException(
          field + " must be float16, float32 or float64 embeddings, got " + type);
    }
  }

  private static void requireSameType(String field, DataType type, DataType anchors) {
    if (type != anchors) {
      throw new IllegalArgumentException(
          field + " must have the anchors' data type " + anchors + ", got " + type);
    }
  }

  private static void requireLength(String field, int length, int b) {
    if (length != b) {
      throw new IllegalArgumentException(
          field + " must have one value per pair (B = " + b + "), got " + length);
    }
  }

  @Override
  public String toString() {
    return "PairEmbeddings[B="
        + batchSize()
        + ", D="
        + dimension()
        + ", M="
        + negativeCount()
        + ", labels="
        + (labels == null ? "none" : Arrays.toString(labels))
        + ", weights="
        + (weights == null ? "none" : Arrays.toString(weights))
        + "]";
  }
}
