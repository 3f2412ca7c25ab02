package io.lorastream.model.train;

import java.util.List;
import java.util.Set;

/**
 * One contrastive training pair as the training step sees it.
 *
 * @param anchor the query text
 * @param positive a relevant document's text (for labelled pairs: the judged document)
 * @param negatives hard negatives for this anchor, 0..k document texts
 * @param weight how much this pair counts in the batch loss, > 0
 * @param label the pair's label in [0, 1] for the contrastive and cosine losses, or null
 * @param positiveId the positive's document id, or null (the text then identifies it)
 * @param negativeIds the negatives' document ids aligned with {@code negatives}, or empty (texts
 *     identify them)
 * @param relevantIds ids (or texts, for documents without ids) of documents known to be relevant to
 *     this anchor: when another pair of the batch brings one as a candidate, it is not this
 *     anchor's negative
 */
public record TrainingExample(
    String anchor,
    String positive,
    List<String> negatives,
    double weight,
    Double label,
    String positiveId,
    List<String> negativeIds,
    Set<String> relevantIds) {

  public TrainingExample {
    if (anchor == null || positive == null) {
      throw new IllegalArgumentException("a training example needs an anchor and a positive text");
    }
    negatives = negatives == null ? List.of() : List.copyOf(negatives);
    negativeIds = negativeIds == null ? List.of() : List.copyOf(negativeIds);
    relevantIds = relevantIds == null ? Set.of() : Set.copyOf(relevantIds);
    if (!negativeIds.isEmpty() && negativeIds.size() != negatives.size()) {
      throw new IllegalArgumentException(
          "a training example has "
              + negatives.size()
              + " negatives but "
              + negativeIds.size()
              + " negative ids");
    }
    if (!(weight > 0) || !Double.isFinite(weight)) {
      throw new IllegalArgumentException(
          "training example weight must be a finite number > 0, got " + weight);
    }
    if (label != null && !(label >= 0 && label <= 1)) {
      throw new IllegalArgumentException("training example label must be in [0, 1], got " + label);
    }
  }

  /** A pair identified by its texts, with nothing known beyond it. */
  public TrainingExample(
      String anchor, String positive, List<String> negatives, double weight, Double label) {
    this(anchor, positive, negatives, weight, label, null, List.of(), Set.of());
  }

  public static TrainingExample of(String anchor, String positive, String... negatives) {
    return new TrainingExample(anchor, positive, List.of(negatives), 1.0, null);
  }

  /** The positive's identity: its id, or its text when it has none. */
  public String positiveKey() {
    return positiveId != null ? positiveId : positive;
  }

  /** The identity of negative {@code k}: its id, or its text. */
  public String negativeKey(int k) {
    return negativeIds.isEmpty() ? negatives.get(k) : negativeIds.get(k);
  }
}
