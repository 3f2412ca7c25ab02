package io.lorastream.model.loss;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The losses lorastream trains with, by their config names. */
public enum LossKind {
  /** MultipleNegativesRankingLoss (InfoNCE), unlabelled pairs plus optional hard negatives. */
  MNRL("mnrl", false),
  /** TripletLoss over hard negatives (or the hardest in-batch one). */
  TRIPLET("triplet", false),
  /** ContrastiveLoss on labelled pairs. */
  CONTRASTIVE("contrastive", true),
  /** CosineSimilarityLoss (MSE between cosine and label) on labelled pairs. */
  COSINE("cosine", true),
  /** MatryoshkaLoss: another loss over several truncated dimensions. */
  MATRYOSHKA("matryoshka", false);

  private final String configName;
  private final boolean needsLabels;

  LossKind(String configName, boolean needsLabels) {
    this.configName = configName;
    this.needsLabels = needsLabels;
  }

  /** The name used in configuration files and on the command line. */
  public String configName() {
    return configName;
  }

  /** True when every batch must carry pair labels. */
  public boolean needsLabels() {
    return needsLabels;
  }

  /** Parses a config name such as {@code mnrl} (case-insensitive). */
  public static LossKind parse(String name) {
    String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    for (LossKind kind : values()) {
      if (kind.configName.equals(key)) {
        return kind;
      }
    }
    throw new IllegalArgumentException(
        "unknown loss '"
            + name
            + "': expected one of "
            + Arrays.stream(values()).map(LossKind::configName).collect(Collectors.joining(", ")));
  }
}
