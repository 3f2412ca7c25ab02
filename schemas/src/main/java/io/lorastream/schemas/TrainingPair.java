package io.lorastream.schemas;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One contrastive training example on {@code training-pairs}, key = {@code adapter}.
 *
 * <p>For {@link PairKind#CLICK} the pair is (query, a document the user was satisfied with,
 * documents shown above it that the user skipped or rejected). For {@link PairKind#LABEL} it is
 * (query, the judged document) with {@code label = grade / 3}: whatever the grade, {@code positive}
 * holds the judged document, so losses that need positives only (MNRL) take labelled pairs with
 * {@code label >= 2/3}, and contrastive/cosine losses take them all. A grade-2+ label also carries
 * as negatives the documents judged 0 earlier for the same query.
 *
 * <p>Evaluation: the trainer splits held-out pairs by a hash of (tenant, anchor). Every pair
 * carries its positive and negatives with ids and texts, and click pairs list every doc id shown
 * ({@code shown_doc_ids}), so a document pool is the union of the texts seen in pairs, keyed by doc
 * id; the pairs do not repeat every shown text (that would multiply their size by the page length).
 *
 * @param pairId sha-256 hex of kind, sorted source event ids, positive and negative doc ids (see
 *     {@link PairIds})
 * @param anchor the query text
 * @param positive the positive document's passage ({@link Document#passage})
 * @param negatives hard-negative passages, 0..k, in the order of {@code negativeDocIds}
 * @param weight > 0; how much this pair should count
 * @param label labelled pairs only: grade / 3; null for click pairs
 * @param sourceEventIds the events the pair was made from, sorted
 * @param eventTime the newest source event's time
 * @param queryId the query's id if the events had one (optional)
 * @param impressionId click pairs: the impression it came from (optional)
 * @param shownDocIds click pairs: every doc id shown in the impression, in rank order; empty for
 *     labels
 */
public record TrainingPair(
    int schemaVersion,
    String pairId,
    PairKind kind,
    String adapter,
    String tenant,
    String anchor,
    String positive,
    String positiveDocId,
    List<String> negatives,
    List<String> negativeDocIds,
    double weight,
    Double label,
    List<String> sourceEventIds,
    Instant eventTime,
    String queryId,
    String impressionId,
    List<String> shownDocIds) {

  public TrainingPair {
    Objects.requireNonNull(pairId, "pair_id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(adapter, "adapter");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(anchor, "anchor");
    Objects.requireNonNull(positive, "positive");
    Objects.requireNonNull(positiveDocId, "positive_doc_id");
    Objects.requireNonNull(eventTime, "event_time");
    negatives = List.copyOf(Objects.requireNonNull(negatives, "negatives"));
    negativeDocIds = List.copyOf(Objects.requireNonNull(negativeDocIds, "negative_doc_ids"));
    sourceEventIds = List.copyOf(Objects.requireNonNull(sourceEventIds, "source_event_ids"));
    shownDocIds = shownDocIds == null ? List.of() : List.copyOf(shownDocIds);
    PairChecks.check(pairId, negatives, negativeDocIds, weight, label, sourceEventIds);
  }

  /** The label of a grade: {@code grade / 3}, so 0, 1/3, 2/3, 1. */
  public static double labelOfGrade(int grade) {
    return (double) grade / RelevanceLabel.MAX_GRADE;
  }
}
