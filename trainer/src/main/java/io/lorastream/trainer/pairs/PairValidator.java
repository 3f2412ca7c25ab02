package io.lorastream.trainer.pairs;

import io.lorastream.schemas.DeadLetterReason;
import io.lorastream.schemas.TrainingPair;
import io.lorastream.trainer.AdapterSettings;
import io.lorastream.trainer.TrainerLimits;
import java.util.List;

/**
 * The trainer's own checks of a training pair that passed the contract (schema and value rules),
 * applied before it can reach a step: what the contract allows but a training step cannot use or
 * memory cannot hold. A weight of 1e39 is a valid JSON number and a finite double, but Infinity
 * once cast to the float the loss takes; an empty passage gives nothing to learn; a text, list or
 * id past its limit would be cut, ignored or kept in memory and checkpoints.
 */
public final class PairValidator {

  /**
   * Why a pair was refused: the dead-letter reason and a message naming the field, the value and
   * the limit.
   */
  public record Violation(DeadLetterReason reason, String message) {}

  private PairValidator() {}

  /** The first rule {@code p} breaks, or null when it may be trained on. */
  public static Violation check(TrainingPair p, TrainerLimits limits, AdapterSettings adapter) {
    String where = "training pair " + p.pairId() + " of adapter " + p.adapter();
    float weight = (float) p.weight();
    if (!Float.isFinite(weight) || weight < Float.MIN_NORMAL || weight > limits.maxPairWeight()) {
      return new Violation(
          DeadLetterReason.OUT_OF_RANGE,
          where
              + ": weight "
              + p.weight()
              + " is "
              + (float) p.weight()
              + " as a float, outside ["
              + Float.MIN_NORMAL
              + ", "
              + limits.maxPairWeight()
              + "] (max-pair-weight); the loss weighs pairs in float32");
    }
    if (p.label() != null && !(p.label().floatValue() >= 0f && p.label().floatValue() <= 1f)) {
      return new Violation(
          DeadLetterReason.OUT_OF_RANGE, where + ": label " + p.label() + " is outside [0, 1]");
    }
    int maxChars = limits.maxTextChars(adapter);
    Violation v = text(where, "anchor", p.anchor(), maxChars);
    if (v == null) {
      v = text(where, "positive", p.positive(), maxChars);
    }
    if (v == null && p.negatives().size() > limits.maxPairNegatives()) {
      v =
          new Violation(
              DeadLetterReason.OVER_LIMIT,
              where
                  + ": "
                  + p.negatives().size()
                  + " negatives, over max-pair-negatives "
                  + limits.maxPairNegatives());
    }
    for (int i = 0; v == null && i < p.negatives().size(); i++) {
      v = text(where, "negatives[" + i + "]", p.negatives().get(i), maxChars);
    }
    if (v == null && p.shownDocIds().size() > limits.maxShownDocs()) {
      v =
          new Violation(
              DeadLetterReason.OVER_LIMIT,
              where
                  + ": "
                  + p.shownDocIds().size()
                  + " shown_doc_ids, over max-shown-docs "
                  + limits.maxShownDocs());
    }
    if (v == null) {
      v = id(where, "positive_doc_id", p.positiveDocId(), limits);
    }
    if (v == null) {
      v = ids(where, "negative_doc_ids", p.negativeDocIds(), limits);
    }
    if (v == null) {
      v = ids(where, "shown_doc_ids", p.shownDocIds(), limits);
    }
    if (v == null) {
      v = ids(where, "source_event_ids", p.sourceEventIds(), limits);
    }
    if (v == null && p.queryId() != null) {
      v = id(where, "query_id", p.queryId(), limits);
    }
    if (v == null && p.impressionId() != null) {
      v = id(where, "impression_id", p.impressionId(), limits);
    }
    return v;
  }

  private static Violation text(String where, String field, String text, int maxChars) {
    if (text.isBlank()) {
      return new Violation(DeadLetterReason.EMPTY_TEXT, where + ": " + field + " is empty");
    }
    if (text.length() > maxChars) {
      return new Violation(
          DeadLetterReason.TEXT_TOO_LONG,
          where
              + ": "
              + field
              + " is "
              + text.length()
              + " chars, over the limit of "
              + maxChars
              + " (max-text-chars; auto = "
              + TrainerLimits.AUTO_MAX_TEXT_CHARS
              + ", the streams app's document limit)");
    }
    return null;
  }

  private static Violation ids(String where, String field, List<String> ids, TrainerLimits limits) {
    int max = limits.maxShownDocs() + limits.maxPairNegatives() + 1;
    if (ids.size() > max) {
      return new Violation(
          DeadLetterReason.OVER_LIMIT,
          where
              + ": "
              + ids.size()
              + " "
              + field
              + ", over "
              + max
              + " (max-shown-docs + max-pair-negatives + 1)");
    }
    for (int i = 0; i < ids.size(); i++) {
      Violation v = id(where, field + "[" + i + "]", ids.get(i), limits);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private static Violation id(String where, String field, String id, TrainerLimits limits) {
    if (id.isBlank()) {
      return new Violation(DeadLetterReason.EMPTY_TEXT, where + ": " + field + " is empty");
    }
    if (id.length() > limits.maxIdChars()) {
      return new Violation(
          DeadLetterReason.OVER_LIMIT,
          where
              + ": "
              + field
              + " is "
              + id.length()
              + " chars, over max-id-chars "
              + limits.maxIdChars());
    }
    return null;
  }
}
