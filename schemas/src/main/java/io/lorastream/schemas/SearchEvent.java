package io.lorastream.schemas;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One impression: a query and the ranked results shown for it, on {@code search-events} with key =
 * {@code impression_id}. Interactions refer to it by that id.
 *
 * @param queryId the query's id in the caller's catalogue, if it has one (optional)
 * @param modelVersion the base model that ranked the results
 * @param adapterVersion the adapter version that ranked them, if one was active (optional)
 */
public record SearchEvent(
    int schemaVersion,
    String eventId,
    String tenant,
    Instant eventTime,
    String impressionId,
    String sessionId,
    String query,
    String queryId,
    List<ShownResult> results,
    String modelVersion,
    String adapterVersion)
    implements TimedEvent {

  public SearchEvent {
    Objects.requireNonNull(eventId, "event_id");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(eventTime, "event_time");
    Objects.requireNonNull(impressionId, "impression_id");
    Objects.requireNonNull(sessionId, "session_id");
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(modelVersion, "model_version");
    results = List.copyOf(Objects.requireNonNull(results, "results"));
  }
}
