package io.lorastream.model.train;

import java.util.List;

/**
 * One contrastive training pair as the training step sees it: texts only.
 *
 * @param anchor the query text
 * @param positive a relevant document's text (for labelled pairs: the judged document)
 * @param negatives hard negatives for this anchor, 0..k document texts
 * @param weight how much this pair counts in the batch loss, > 0
 * @param label the pair's label in [0, 1] for the contrastive and cosine losses, or null
 */
public record TrainingExample(String anchor, String positive, List<String> negatives, double weight, Double label) {

  public TrainingExample {
    if (anchor == null || positive == null) {
      throw new IllegalArgumentException("a training example needs an anchor and a positive text");
    }
    negatives = negatives == null ? List.of() : List.copyOf(negatives);
    if (!(weight > 0) || !Double.isFinite(weight)) {
      throw new IllegalArgumentException("training example weight must be a finite number > 0, got " + weight);
    }
    if (label != null && !(label >= 0 && label <= 1)) {
      throw new IllegalArgumentException("training example label must be in [0, 1], got " + label);
    }
  }

  public static TrainingExample of(String anchor, String positive, String... negatives) {
    return new TrainingExample(anchor, positive, List.of(negatives), 1.0, null);
  }
}
