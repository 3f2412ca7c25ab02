package io.lorastream.schemas;

import java.util.Arrays;
import java.util.Locale;

/**
 * Why a record went to the dead-letter topic: a bounded set, so it is safe as a metric tag. The
 * wire form (header value, metric tag) is the lower-case name, e.g. {@code unparseable_json}.
 */
public enum DeadLetterReason {
  /**
   * The value is not JSON (or is empty, or not a JSON object), or is over a JSON limit ({@link
   * JsonLimits}).
   */
  UNPARSEABLE_JSON,
  /** The value's bytes are not valid UTF-8. */
  INVALID_UTF8,
  /** A required field is absent. */
  MISSING_FIELD,
  /** A field has the wrong JSON type (a null where a value is required included). */
  WRONG_TYPE,
  /** A text is longer than the configured limit. */
  TEXT_TOO_LONG,
  /**
   * Any other rule of the JSON Schema or of the contract (ranks not distinct, grade out of range,
   * bad enum ...).
   */
  SCHEMA_VIOLATION,
  /** {@code schema_version} is one this reader does not accept. */
  UNSUPPORTED_VERSION,
  /**
   * The record key is missing or differs from the id the contract keys by (impression, doc,
   * tenant/query).
   */
  KEY_MISMATCH,
  /** A document a pair needs was still unknown (or deleted) when its wait ran out. */
  UNKNOWN_DOCUMENT,
  /** The event time lies further ahead of the wall clock than the allowed clock skew. */
  EVENT_TIME_IN_FUTURE,
  /** The event arrived after the window it belongs to had closed. */
  LATE_EVENT,
  /** The interaction's time lies outside its impression's window. */
  OUTSIDE_WINDOW,
  /** No impression with this id arrived within window + grace of the interaction. */
  ORPHAN_INTERACTION,
  /** The interaction names a doc that its impression did not show. */
  NOT_SHOWN,
  /** A second, different search event (another event id) claims an impression id already in use. */
  CONFLICTING_IMPRESSION,
  /**
   * The interaction's impression already holds as many interactions, or as many bytes of them, as
   * it may keep (streams settings max-interactions-per-impression, max-impression-bytes); those
   * kept still make pairs.
   */
  IMPRESSION_FULL,
  /** Processing the record threw (a bug); the app carried on. */
  PROCESSING_ERROR,
  /** Writing an output for the record failed (too large, serialization); the app carried on. */
  PRODUCTION_ERROR,
  /** The record could not be deserialized before processing; the app carried on. */
  DESERIALIZATION_ERROR,
  /**
   * A text or id its consumer needs is empty or blank (e.g. a training pair's positive passage).
   */
  EMPTY_TEXT,
  /**
   * A number its consumer cannot use: e.g. a training pair's weight that is not a finite float in
   * (0, max-pair-weight] once cast to float (1e39 is a finite double but Infinity as a float).
   */
  OUT_OF_RANGE,
  /**
   * A list or an id longer than its consumer's limit (e.g. a training pair's negatives, shown
   * documents, ids).
   */
  OVER_LIMIT;

  /** The form used in headers and metric tags. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Reads a wire name back. */
  public static DeadLetterReason fromWireName(String wire) {
    return Arrays.stream(values())
        .filter(r -> r.wireName().equals(wire))
        .findFirst()
        .orElseThrow(
            () -> new IllegalArgumentException("unknown dead-letter reason '" + wire + "'"));
  }
}
