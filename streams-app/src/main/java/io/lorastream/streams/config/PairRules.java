package io.lorastream.streams.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How feedback becomes pairs.
 *
 * @param dwellThreshold a click with at least this dwell is a positive; default 10 s
 * @param maxNegatives k, the most hard negatives per pair; default 4
 * @param clickWeight weight of a pair whose positive came from a click; default 1.0
 * @param thumbsUpWeight weight of a pair whose positive came from a thumbs up; default 1.0 (the
 *     larger wins if both)
 * @param labelWeight weight of a pair from a relevance label; default 1.0
 * @param documentWait how long (wall clock) a pair waits for a document not yet known before it is
 *     dead-lettered with {@code unknown_document}; default 2 min
 * @param dedupeRetention how long (event time) label event ids are remembered to drop replays;
 *     default 7 days
 */
public record PairRules(
    Duration dwellThreshold,
    int maxNegatives,
    double clickWeight,
    double thumbsUpWeight,
    double labelWeight,
    Duration documentWait,
    Duration dedupeRetention) {

  public static final PairRules DEFAULTS =
      new PairRules(
          Duration.ofSeconds(10), 4, 1.0, 1.0, 1.0, Duration.ofMinutes(2), Duration.ofDays(7));

  public PairRules {
    Objects.requireNonNull(dwellThreshold, "dwell-threshold");
    Objects.requireNonNull(documentWait, "document-wait");
    Objects.requireNonNull(dedupeRetention, "dedupe-retention");
    if (dwellThreshold.isNegative()) {
      throw new IllegalArgumentException("dwell-threshold must be >= 0, got " + dwellThreshold);
    }
    if (maxNegatives < 0 || maxNegatives > 100) {
      throw new IllegalArgumentException("max-negatives must be in 0..100, got " + maxNegatives);
    }
    positive("click-weight", clickWeight);
    positive("thumbs-up-weight", thumbsUpWeight);
    positive("label-weight", labelWeight);
    if (documentWait.isNegative()) {
      throw new IllegalArgumentException("document-wait must be >= 0, got " + documentWait);
    }
    if (dedupeRetention.toMillis() < 1) {
      throw new IllegalArgumentException(
          "dedupe-retention must be at least 1 ms, got " + dedupeRetention);
    }
  }

  private static void positive(String name, double v) {
    if (!(v > 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(name + " must be a finite number > 0, got " + v);
    }
  }
}
