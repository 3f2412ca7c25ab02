package io.lorastream.trainer;

import java.util.Locale;

/** What the trainer does with pairs for an adapter its configuration does not name. */
public enum UnknownAdapters {
  /**
   * Train it with {@code adapter-defaults}, up to {@code max-adapters} adapters per instance; pairs
   * beyond are skipped and counted.
   */
  TRAIN,
  /** Skip its pairs and count them: only configured adapters are trained. */
  SKIP;

  public static UnknownAdapters parse(String s) {
    return switch (s.strip().toLowerCase(Locale.ROOT)) {
      case "train" -> TRAIN;
      case "skip" -> SKIP;
      default ->
          throw new IllegalArgumentException(
              "unknown-adapters must be train or skip, got '" + s + "'");
    };
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
