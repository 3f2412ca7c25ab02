package io.lorastream.schemas;

import java.time.Instant;
import java.util.Objects;

/**
 * A user's action on one result of one impression, on {@code interactions} with key = {@code
 * impression_id} so that it lands in the same partition as its impression.
 *
 * @param dwellMs time spent on the document in milliseconds: optional on a click, required on a
 *     dwell event
 */
public record Interaction(
    int schemaVersion,
    String eventId,
    String tenant,
    Instant eventTime,
    String impressionId,
    String docId,
    InteractionType type,
    Long dwellMs)
    implements TimedEvent {

  public Interaction {
    Objects.requireNonNull(eventId, "event_id");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(eventTime, "event_time");
    Objects.requireNonNull(impressionId, "impression_id");
    Objects.requireNonNull(docId, "doc_id");
    Objects.requireNonNull(type, "type");
    if (dwellMs != null && dwellMs < 0) {
      throw new IllegalArgumentException(
          "dwell_ms must be >= 0, got " + dwellMs + " in event " + eventId);
    }
    if (type == InteractionType.DWELL && dwellMs == null) {
      throw new IllegalArgumentException("a dwell event needs dwell_ms (event " + eventId + ")");
    }
  }
}
