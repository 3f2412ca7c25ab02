package io.lorastream.trainer.pairs;

import io.lorastream.model.train.TrainingExample;
import io.lorastream.schemas.TrainingPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A training pair as the trainer keeps it between consumption and training, in the replay buffer
 * and in checkpoints: texts and ids, without the fields only the streams app needs.
 *
 * @param pairId the contract's deterministic pair id
 * @param anchor the query text
 * @param positive the positive passage
 * @param positiveDocId its document id
 * @param negatives hard-negative passages, at most the adapter's {@code max-negatives}
 * @param negativeDocIds their ids, aligned
 * @param weight > 0
 * @param label grade / 3 for labelled pairs, null for clicks
 * @param eventTimeMs the newest source event's time, epoch milliseconds
 */
public record BufferedPair(
    String pairId,
    String anchor,
    String positive,
    String positiveDocId,
    List<String> negatives,
    List<String> negativeDocIds,
    double weight,
    Double label,
    long eventTimeMs) {

  public BufferedPair {
    Objects.requireNonNull(pairId, "pairId");
    Objects.requireNonNull(anchor, "anchor");
    Objects.requireNonNull(positive, "positive");
    Objects.requireNonNull(positiveDocId, "positiveDocId");
    negatives = List.copyOf(negatives);
    negativeDocIds = List.copyOf(negativeDocIds);
    if (negatives.size() != negativeDocIds.size()) {
      throw new IllegalArgumentException(
          "pair "
              + pairId
              + " has "
              + negatives.size()
              + " negative texts but "
              + negativeDocIds.size()
              + " ids");
    }
  }

  /** The contract's pair, keeping the first {@code maxNegatives} negatives. */
  public static BufferedPair of(TrainingPair p, int maxNegatives) {
    return of(p, maxNegatives, Integer.MAX_VALUE);
  }

  /** As {@link #of(TrainingPair, int)}, with every text cut to at most {@code maxChars} chars. */
  public static BufferedPair of(TrainingPair p, int maxNegatives, int maxChars) {
    int k = Math.min(maxNegatives, p.negatives().size());
    return new BufferedPair(
        p.pairId(),
        cut(p.anchor(), maxChars),
        cut(p.positive(), maxChars),
        p.positiveDocId(),
        p.negatives().subList(0, k).stream().map(t -> cut(t, maxChars)).toList(),
        p.negativeDocIds().subList(0, k),
        p.weight(),
        p.label(),
        p.eventTime().toEpochMilli());
  }

  private static String cut(String text, int maxChars) {
    if (text.length() <= maxChars) {
      return text;
    }
    int end =
        Character.isHighSurrogate(text.charAt(maxChars - 1))
            ? maxChars - 1
            : maxChars; // never half a pair
    return text.substring(0, end);
  }

  /**
   * What the training step sees. Losses that need labels get 1 for click pairs (a satisfied click
   * is a relevant pair); the others ignore labels. Hard negatives known to be relevant to the
   * anchor are dropped, and the known positives travel with the example so that no other pair's
   * candidate counts as this anchor's negative when it is one of them.
   *
   * @param knownPositives ids of the documents known to be relevant to this pair's query
   */
  public TrainingExample toExample(boolean needsLabels, Set<String> knownPositives) {
    Double l = needsLabels ? (label == null ? Double.valueOf(1.0) : label) : null;
    List<String> keptTexts = new ArrayList<>(negatives.size());
    List<String> keptIds = new ArrayList<>(negatives.size());
    for (int i = 0; i < negatives.size(); i++) {
      String id = negativeDocIds.get(i);
      if (!id.equals(positiveDocId) && !knownPositives.contains(id)) {
        keptTexts.add(negatives.get(i));
        keptIds.add(id);
      }
    }
    return new TrainingExample(
        anchor, positive, keptTexts, weight, l, positiveDocId, keptIds, knownPositives);
  }
}
