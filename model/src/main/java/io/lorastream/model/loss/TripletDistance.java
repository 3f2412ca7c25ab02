package io.lorastream.model.loss;

import ai.djl.ndarray.NDArray;
import java.util.Locale;

/** The distance a triplet loss compares, with the margin it uses when none is configured. */
public enum TripletDistance {
  /**
   * 1 - cos(x, y), in [0, 2]. Default margin 0.5: the margin sentence-transformers pairs with
   * cosine distance in ContrastiveLoss and OnlineContrastiveLoss (its TripletLoss has no cosine
   * default).
   */
  COSINE(0.5),
  /**
   * ||x - y||_2 as torch's pairwise_distance. Default margin 5 as sentence-transformers'
   * TripletLoss. On unit vectors this distance is at most 2, so with margin 5 every triplet stays
   * active and the loss acts as a linear ranking loss; lower the margin (e.g. 0.5) for a hinge that
   * can be satisfied.
   */
  EUCLIDEAN(5.0);

  private final double defaultMargin;

  TripletDistance(double defaultMargin) {
    this.defaultMargin = defaultMargin;
  }

  public double defaultMargin() {
    return defaultMargin;
  }

  /** Distance of row i of x to row i of y: [K, D], [K, D] -> [K]. */
  NDArray rows(NDArray x, NDArray y) {
    return switch (this) {
      case COSINE -> LossMath.cosineRows(x, y).neg().add(1.0);
      case EUCLIDEAN -> LossMath.euclideanRows(x, y);
    };
  }

  /** Distance of every row of x to every row of y: [K, D], [L, D] -> [K, L]. */
  NDArray matrix(NDArray x, NDArray y) {
    return switch (this) {
      case COSINE -> LossMath.cosineMatrix(x, y).neg().add(1.0);
      case EUCLIDEAN -> LossMath.euclideanMatrix(x, y);
    };
  }

  /** Parses {@code cosine} or {@code euclidean} (case-insensitive). */
  public static TripletDistance parse(String name) {
    return switch (name == null ? "" : name.trim().toLowerCase(Locale.ROOT)) {
      case "cosine" -> COSINE;
      case "euclidean" -> EUCLIDEAN;
      default ->
          throw new IllegalArgumentException(
              "unknown triplet distance '" + name + "': expected 'cosine' or 'euclidean'");
    };
  }

  /** The config name: {@code cosine} or {@code euclidean}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
