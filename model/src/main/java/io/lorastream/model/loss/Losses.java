package io.lorastream.model.loss;

/** Builds the loss a {@link LossConfig} names. */
public final class Losses {

  private Losses() {}

  /** The configured loss; Matryoshka widths are checked against the batch width on every call. */
  public static EmbeddingLoss create(LossConfig config) {
    return switch (config.kind()) {
      case MNRL -> new MultipleNegativesRankingLoss(config);
      case TRIPLET -> new TripletLoss(config);
      case CONTRASTIVE -> new ContrastiveLoss(config);
      case COSINE -> new CosineSimilarityLoss(config);
      case MATRYOSHKA -> new MatryoshkaLoss(config, create(config.innerConfig()));
    };
  }

  /**
   * The configured loss for a model whose embeddings are {@code embeddingDim} wide: Matryoshka
   * widths above that fail here, at start-up, rather than at the first training step.
   */
  public static EmbeddingLoss create(LossConfig config, int embeddingDim) {
    if (embeddingDim < 1) {
      throw new IllegalArgumentException("embedding width must be >= 1, got " + embeddingDim);
    }
    if (config.kind() == LossKind.MATRYOSHKA) {
      MatryoshkaLoss.requireDimsFit(config.matryoshkaDims(), embeddingDim);
    }
    return create(config);
  }
}
