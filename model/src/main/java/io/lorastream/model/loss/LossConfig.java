package io.lorastream.model.loss;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which loss to train with, and its hyperparameters. Fields that the chosen loss does not use keep
 * their defaults and are ignored; for {@code matryoshka} the fields of the wrapped loss apply to
 * it.
 *
 * @param kind the loss
 * @param matryoshkaInner the loss Matryoshka wraps; required when kind is MATRYOSHKA, null
 *     otherwise
 * @param scale MNRL's multiplier on cosine scores (1 / temperature), > 0; default 20
 * @param tripletDistance the triplet loss's distance; default EUCLIDEAN (sentence-transformers')
 * @param tripletMargin the triplet margin, >= 0; default 5 for EUCLIDEAN, 0.5 for COSINE
 * @param contrastiveMargin the contrastive loss's cosine-distance margin, >= 0; default 0.5
 * @param matryoshkaDims the truncated widths, each >= 1 and distinct; default 384, 256, 128, 64
 * @param matryoshkaWeights one weight > 0 per width; default 1 each
 */
public record LossConfig(
    LossKind kind,
    LossKind matryoshkaInner,
    double scale,
    TripletDistance tripletDistance,
    double tripletMargin,
    double contrastiveMargin,
    List<Integer> matryoshkaDims,
    List<Double> matryoshkaWeights) {

  public static final double DEFAULT_SCALE = 20.0;
  public static final TripletDistance DEFAULT_TRIPLET_DISTANCE = TripletDistance.EUCLIDEAN;
  public static final double DEFAULT_CONTRASTIVE_MARGIN = 0.5;
  public static final List<Integer> DEFAULT_MATRYOSHKA_DIMS = List.of(384, 256, 128, 64);

  /** MNRL with scale 20: the default training loss. */
  public static final LossConfig DEFAULT = defaults(LossKind.MNRL);

  public LossConfig {
    if (kind == null) {
      throw new IllegalArgumentException(
          "loss must be named: one of mnrl, triplet, contrastive," + " cosine, matryoshka");
    }
    if (kind == LossKind.MATRYOSHKA) {
      if (matryoshkaInner == null || matryoshkaInner == LossKind.MATRYOSHKA) {
        throw new IllegalArgumentException(
            "matryoshka must wrap one of mnrl, triplet, contrastive,"
                + " cosine; got "
                + (matryoshkaInner == null ? "none" : "matryoshka"));
      }
    } else if (matryoshkaInner != null) {
      throw new IllegalArgumentException(
          "matryoshkaInner = "
              + matryoshkaInner.configName()
              + " is set but the loss is "
              + kind.configName()
              + "; choose loss 'matryoshka' to wrap it");
    }
    if (!(scale > 0) || !Double.isFinite(scale)) {
      throw new IllegalArgumentException("MNRL scale must be a finite number > 0, got " + scale);
    }
    if (tripletDistance == null) {
      throw new IllegalArgumentException(
          "triplet distance must be 'cosine' or 'euclidean', got none");
    }
    requireMargin("triplet margin", tripletMargin);
    requireMargin("contrastive margin", contrastiveMargin);
    if (matryoshkaDims == null || matryoshkaDims.isEmpty()) {
      throw new IllegalArgumentException("matryoshka dims must name at least one width, got none");
    }
    matryoshkaDims = List.copyOf(matryoshkaDims);
    Set<Integer> seen = new HashSet<>();
    for (int dim : matryoshkaDims) {
      if (dim < 1) {
        throw new IllegalArgumentException("matryoshka dims must be >= 1, got " + dim);
      }
      if (!seen.add(dim)) {
        throw new IllegalArgumentException(
            "matryoshka dims must be distinct, got " + dim + " twice in " + matryoshkaDims);
      }
    }
    if (matryoshkaWeights == null) {
      matryoshkaWeights = matryoshkaDims.stream().map(d -> 1.0).toList();
    }
    matryoshkaWeights = List.copyOf(matryoshkaWeights);
    if (matryoshkaWeights.size() != matryoshkaDims.size()) {
      throw new IllegalArgumentException(
          "matryoshka weights must give one weight per dim ("
              + matryoshkaDims.size()
              + " dims "
              + matryoshkaDims
              + "), got "
              + matryoshkaWeights);
    }
    for (double w : matryoshkaWeights) {
      if (!(w > 0) || !Double.isFinite(w)) {
        throw new IllegalArgumentException("matryoshka weights must be finite and > 0, got " + w);
      }
    }
  }

  /** The named loss with its defaults; {@code matryoshka} wraps MNRL. */
  public static LossConfig defaults(LossKind kind) {
    return new LossConfig(
        kind,
        kind == LossKind.MATRYOSHKA ? LossKind.MNRL : null,
        DEFAULT_SCALE,
        DEFAULT_TRIPLET_DISTANCE,
        DEFAULT_TRIPLET_DISTANCE.defaultMargin(),
        DEFAULT_CONTRASTIVE_MARGIN,
        DEFAULT_MATRYOSHKA_DIMS,
        null);
  }

  /** The loss named in a config file ({@code mnrl}, {@code triplet}, ...) with its defaults. */
  public static LossConfig of(String name) {
    return defaults(LossKind.parse(name));
  }

  /** Matryoshka around {@code inner} (its hyperparameters kept), over the given widths. */
  public static LossConfig matryoshka(LossConfig inner, List<Integer> dims, List<Double> weights) {
    if (inner.kind() == LossKind.MATRYOSHKA) {
      throw new IllegalArgumentException("matryoshka cannot wrap another matryoshka loss");
    }
    return new LossConfig(
        LossKind.MATRYOSHKA,
        inner.kind(),
        inner.scale(),
        inner.tripletDistance(),
        inner.tripletMargin(),
        inner.contrastiveMargin(),
        dims,
        weights);
  }

  public LossConfig withScale(double newScale) {
    return new LossConfig(
        kind,
        matryoshkaInner,
        newScale,
        tripletDistance,
        tripletMargin,
        contrastiveMargin,
        matryoshkaDims,
        matryoshkaWeights);
  }

  /** Triplet distance with that distance's default margin. */
  public LossConfig withTripletDistance(TripletDistance distance) {
    return withTriplet(distance, distance.defaultMargin());
  }

  public LossConfig withTriplet(TripletDistance distance, double margin) {
    return new LossConfig(
        kind,
        matryoshkaInner,
        scale,
        distance,
        margin,
        contrastiveMargin,
        matryoshkaDims,
        matryoshkaWeights);
  }

  public LossConfig withContrastiveMargin(double margin) {
    return new LossConfig(
        kind,
        matryoshkaInner,
        scale,
        tripletDistance,
        tripletMargin,
        margin,
        matryoshkaDims,
        matryoshkaWeights);
  }

  /** The loss Matryoshka applies at each width (this config with kind = matryoshkaInner). */
  public LossConfig innerConfig() {
    if (kind != LossKind.MATRYOSHKA) {
      throw new IllegalStateException("only a matryoshka loss wraps another, this is " + kind);
    }
    return new LossConfig(
        matryoshkaInner,
        null,
        scale,
        tripletDistance,
        tripletMargin,
        contrastiveMargin,
        matryoshkaDims,
        matryoshkaWeights);
  }

  /** True when batches must carry labels (contrastive, cosine, or Matryoshka around them). */
  public boolean needsLabels() {
    return kind.needsLabels() || (matryoshkaInner != null && matryoshkaInner.needsLabels());
  }

  private static void requireMargin(String field, double margin) {
    if (!(margin >= 0) || !Double.isFinite(margin)) {
      throw new IllegalArgumentException(field + " must be a finite number >= 0, got " + margin);
    }
  }
}
