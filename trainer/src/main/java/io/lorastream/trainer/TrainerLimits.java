package io.lorastream.trainer;

/**
 * What one trainer instance accepts and keeps: limits on each consumed training pair (a pair over
 * one goes to the dead-letter topic with its reason) and on the state that goes into a checkpoint,
 * so that neither a hostile record nor a flood of good ones can stop the loop or exhaust memory.
 * Validated at construction.
 *
 * @param maxTextChars longest query or document text of a pair, in UTF-16 chars; null = {@link
 *     #AUTO_MAX_TEXT_CHARS} x the adapter's max-seq-length (tokens past max-seq-length are cut
 *     anyway)
 * @param maxPairWeight largest pair weight; a weight must also be a finite float >= {@link
 *     Float#MIN_NORMAL} once cast to float (the loss takes float weights)
 * @param maxPairNegatives most hard negatives a pair may carry (only the adapter's max-negatives
 *     are used)
 * @param maxShownDocs most shown document ids a pair may carry (they become the held-out set's
 *     judgments)
 * @param maxIdChars longest document, impression, query or source event id
 * @param maxPendingPairs pairs of one adapter waiting for a step; at the bound the consumer pauses
 *     the partition and resumes it when the backlog has drained
 * @param knownPositiveQueries queries whose known positives an adapter keeps (the eldest updated go
 *     first)
 * @param knownPositivesPerQuery known positives kept per query (the eldest go first)
 * @param checkpointMaxJsonBytes largest inflated JSON part of a checkpoint, written or read (bounds
 *     decompression)
 */
public record TrainerLimits(
    Integer maxTextChars,
    double maxPairWeight,
    int maxPairNegatives,
    int maxShownDocs,
    int maxIdChars,
    int maxPendingPairs,
    int knownPositiveQueries,
    int knownPositivesPerQuery,
    long checkpointMaxJsonBytes) {

  /**
   * Characters kept per token of max-seq-length: longer texts are cut to this on intake (WordPiece
   * tokens average 4-5 chars of English, and tokens past max-seq-length are dropped anyway), which
   * bounds what pending pairs, the replay buffer and checkpoints hold.
   */
  public static final int KEPT_CHARS_PER_TOKEN = 64;

  /**
   * {@code max-text-chars: auto}: the streams app's document limit, so that every pair it writes is
   * accepted.
   */
  public static final int AUTO_MAX_TEXT_CHARS =
      io.lorastream.schemas.TextLimits.DEFAULTS.maxDocumentChars();

  public static final TrainerLimits DEFAULTS =
      new TrainerLimits(null, 100, 64, 1000, 256, 256, 50_000, 64, 1L << 30);

  public TrainerLimits {
    if (maxTextChars != null && maxTextChars < 1) {
      throw new IllegalArgumentException(
          "max-text-chars must be >= 1 or auto, got " + maxTextChars);
    }
    if (!(maxPairWeight >= 1) || !Float.isFinite((float) maxPairWeight)) {
      throw new IllegalArgumentException(
          "max-pair-weight must be a finite float >= 1, got " + maxPairWeight);
    }
    requireAtLeast("max-pair-negatives", maxPairNegatives, 0);
    requireAtLeast("max-shown-docs", maxShownDocs, 0);
    requireAtLeast("max-id-chars", maxIdChars, 16);
    requireAtLeast("max-pending-pairs", maxPendingPairs, 1);
    requireAtLeast("known-positive-queries", knownPositiveQueries, 1);
    requireAtLeast("known-positives-per-query", knownPositivesPerQuery, 1);
    if (checkpointMaxJsonBytes < (1 << 20) || checkpointMaxJsonBytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "checkpoint-max-json-bytes must be between 1048576 (1 MiB) and "
              + (Integer.MAX_VALUE - 8)
              + ", got "
              + checkpointMaxJsonBytes);
    }
  }

  /**
   * The longest text a pair may carry for an adapter: the setting, or {@link #AUTO_MAX_TEXT_CHARS}.
   */
  public int maxTextChars(AdapterSettings adapter) {
    return maxTextChars != null ? maxTextChars : AUTO_MAX_TEXT_CHARS;
  }

  /**
   * The length texts are cut to when a pair is taken in: {@link #KEPT_CHARS_PER_TOKEN} x
   * max-seq-length.
   */
  public static int keptTextChars(AdapterSettings adapter) {
    return KEPT_CHARS_PER_TOKEN * adapter.maxSeqLength();
  }

  /** Fails when {@code adapter} could never take a full step under the pending bound. */
  void requireRoomFor(String where, AdapterSettings adapter) {
    if (maxPendingPairs < adapter.newPairsPerStep()) {
      throw new IllegalArgumentException(
          "max-pending-pairs ("
              + maxPendingPairs
              + ") is below the "
              + adapter.newPairsPerStep()
              + " new pairs a step of "
              + where
              + " takes (batch-size x gradient-accumulation x (1 - replay-fraction)); raise max-pending-pairs");
    }
  }

  private static void requireAtLeast(String key, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(key + " must be >= " + min + ", got " + value);
    }
  }
}
