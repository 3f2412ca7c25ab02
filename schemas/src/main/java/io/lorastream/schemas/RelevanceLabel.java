package io.lorastream.schemas;

import java.time.Instant;
import java.util.Objects;

/**
 * An explicit judgment of one document for one query, on {@code relevance-labels} with key = {@link
 * #key(String, String)}: the same query of the same tenant always lands in the same partition.
 *
 * @param grade 0 = not relevant, 1 = marginal, 2 = relevant, 3 = highly relevant
 */
public record RelevanceLabel(
    int schemaVersion,
    String eventId,
    String tenant,
    Instant eventTime,
    String query,
    String queryId,
    String docId,
    int grade,
    LabelSource source)
    implements TimedEvent {

  /** The highest grade; a pair's label is {@code grade / MAX_GRADE}. */
  public static final int MAX_GRADE = 3;

  public RelevanceLabel {
    Objects.requireNonNull(eventId, "event_id");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(eventTime, "event_time");
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(docId, "doc_id");
    Objects.requireNonNull(source, "source");
    if (grade < 0 || grade > MAX_GRADE) {
      throw new IllegalArgumentException("grade must be in 0.." + MAX_GRADE + ", got " + grade);
    }
  }

  /** The record key of a label: {@code tenant + "/" + query} (a tenant name cannot contain '/'). */
  public static String key(String tenant, String query) {
    return tenant + "/" + query;
  }
}
