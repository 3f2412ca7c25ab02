package io.lorastream.model.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.lorastream.model.tensor.OwnedArrays;

/** Small differentiable building blocks shared by the losses. Shapes: K, L rows; D columns. */
final class LossMath {

  /** F.normalize's default epsilon: a zero vector stays zero instead of becoming NaN. */
  static final double NORMALIZE_EPS = 1e-12;

  private LossMath() {}

  /**
   * The array the loss math runs on: float16 embeddings are widened to float32 so that softmax and
   * squared distances keep their precision (what autocast does for losses in PyTorch). DJL's {@code
   * toType} between data types returns a tensor cut off from the autograd graph (seen with DJL 0.36
   * / PyTorch 2.7.1), so the cast goes through type promotion, which autograd records.
   */
  static NDArray working(NDArray x) {
    if (x.getDataType() != DataType.FLOAT16) {
      return x;
    }
    try (NDArray zero = x.getManager().zeros(new Shape(1), DataType.FLOAT32, x.getDevice())) {
      return x.add(zero); // [K, D] float32, still connected to x
    }
  }

  /** Rows scaled to unit L2 norm: [K, D] -> [K, D] (F.normalize(x, p=2, dim=-1)). */
  static NDArray l2Normalize(NDArray x) {
    return x.normalize(2, -1, NORMALIZE_EPS);
  }

  /** Cosine similarity of row i of x with row i of y: [K, D], [K, D] -> [K]. */
  static NDArray cosineRows(NDArray x, NDArray y) {
    return l2Normalize(x).mul(l2Normalize(y)).sum(new int[] {1});
  }

  /** Cosine similarity of every row of x with every row of y: [K, D], [L, D] -> [K, L]. */
  static NDArray cosineMatrix(NDArray x, NDArray y) {
    return l2Normalize(x).matMul(l2Normalize(y).transpose());
  }

  /**
   * torch.nn.functional.pairwise_distance(x, y, p=2): ||x - y + 1e-6||, row by row, [K, D] -> [K].
   * The 1e-6 keeps the gradient finite when x == y.
   */
  static NDArray euclideanRows(NDArray x, NDArray y) {
    return x.sub(y).add(1e-6).square().sum(new int[] {1}).sqrt();
  }

  /** pairwise_distance between every row of x and every row of y: [K, D], [L, D] -> [K, L]. */
  static NDArray euclideanMatrix(NDArray x, NDArray y) {
    NDArray diff = x.expandDims(1).sub(y.expandDims(0)).add(1e-6); // [K, L, D]
    return diff.square().sum(new int[] {2}).sqrt();
  }

  /** A constant (no gradient) with x's data type and device. */
  static NDArray constant(NDArray like, float[] values, Shape shape) {
    NDArray created = OwnedArrays.of(like.getManager(), values, shape);
    NDArray typed = created.toType(like.getDataType(), false);
    if (typed != created) {
      created.close();
    }
    return onDeviceOf(like, typed);
  }

  /** An int64 index array on x's device. */
  static NDArray index(NDArray like, long[] values, Shape shape) {
    return onDeviceOf(like, OwnedArrays.of(like.getManager(), values, shape));
  }

  private static NDArray onDeviceOf(NDArray like, NDArray created) {
    NDArray placed = created.toDevice(like.getDevice(), false);
    if (placed != created) {
      created.close();
    }
    return placed;
  }

  /** Rows of x picked by index (gradients flow back to the picked rows): [K, D] -> [len, D]. */
  static NDArray rows(NDArray x, int[] index) {
    long[] idx = new long[index.length];
    for (int i = 0; i < index.length; i++) {
      idx[i] = index[i];
    }
    try (NDArray where = index(x, idx, new Shape(idx.length))) {
      return x.get(where); // [len, D]
    }
  }

  /** Element (i, i) of every row i: [K, L] with K <= L -> [K]; gradients flow to those elements. */
  static NDArray diagonal(NDArray x) {
    int k = (int) x.getShape().get(0);
    long[] idx = new long[k];
    for (int i = 0; i < k; i++) {
      idx[i] = i;
    }
    try (NDArray where = index(x, idx, new Shape(k, 1))) {
      return x.gather(where, 1).reshape(k); // [K, 1] -> [K]
    }
  }

  /**
   * Mean of per-item losses [K] -> scalar; with weights, sum(w * l) / sum(w), which is what
   * torch.nn.CrossEntropyLoss(weight=w, reduction="mean") computes when item i's target is class i.
   *
   * @param weights one weight per item, or null for the plain mean
   */
  static NDArray weightedMean(NDArray perItem, float[] weights) {
    if (weights == null) {
      return perItem.mean();
    }
    double total = 0;
    for (float w : weights) {
      total += w;
    }
    if (!(total > 0)) {
      throw new IllegalStateException(
          "the items of this loss all have weight 0; nothing to average");
    }
    NDArray w = constant(perItem, weights, new Shape(weights.length));
    NDArray sum = perItem.mul(w).sum();
    return sum.div(OwnedArrays.scalar(sum, (float) total));
  }

  /** The pair weight of each item, given which pair each item belongs to; null stays null. */
  static float[] weightsOf(float[] pairWeights, int[] owner) {
    if (pairWeights == null) {
      return null;
    }
    float[] w = new float[owner.length];
    for (int i = 0; i < owner.length; i++) {
      w[i] = pairWeights[owner[i]];
    }
    return w;
  }
}
