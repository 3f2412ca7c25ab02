package io.lorastream.schemas;

import java.util.List;

/**
 * The value rules a training pair obeys in either form ({@link TrainingPair}, read back; {@link
 * EncodedTrainingPair}, with its texts already escaped): one place, so the two cannot drift apart.
 */
final class PairChecks {
  private PairChecks() {}

  static void check(
      String pairId,
      List<?> negatives,
      List<String> negativeDocIds,
      double weight,
      Double label,
      List<String> sourceEventIds) {
    if (negatives.size() != negativeDocIds.size()) {
      throw new IllegalArgumentException(
          "negatives and negative_doc_ids must align, got "
              + negatives.size()
              + " texts and "
              + negativeDocIds.size()
              + " ids in pair "
              + pairId);
    }
    if (!(weight > 0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException(
          "weight must be a finite number > 0, got " + weight + " in pair " + pairId);
    }
    if (label != null && !(label >= 0 && label <= 1)) {
      throw new IllegalArgumentException(
          "label must be in [0, 1], got " + label + " in pair " + pairId);
    }
    if (sourceEventIds.isEmpty()) {
      throw new IllegalArgumentException("source_event_ids must not be empty in pair " + pairId);
    }
  }
}
