package io.lorastream.streams;

import io.lorastream.schemas.ContractViolation;
import io.lorastream.schemas.EventCodec;
import io.lorastream.schemas.TimedEvent;

/**
 * An input record's value as its source read it: the original bytes, and either the event they
 * decode to under their topic's contract or the violation that stops them. Decoded once, at the
 * source, so that the event-time extractor and the processor share one parse and one validation;
 * the bytes stay for the dead-letter topic.
 *
 * @param bytes the value as it arrived; null for a tombstone
 * @param event the decoded, validated event; null for a tombstone or a violation
 * @param violation why the bytes break the contract; null if they do not
 */
record Decoded(byte[] bytes, TimedEvent event, ContractViolation violation) {

  /** A null value on a topic where null deletes (the compacted documents topic). */
  static final Decoded TOMBSTONE = new Decoded(null, null, null);

  /** Validates and maps {@code bytes} (null or empty is a violation: unparseable). */
  static Decoded of(EventCodec<? extends TimedEvent> codec, byte[] bytes) {
    try {
      return new Decoded(bytes, codec.decode(bytes), null);
    } catch (ContractViolation v) {
      return new Decoded(bytes, null, v);
    }
  }

  boolean isTombstone() {
    return event == null && violation == null;
  }

  /** The event time in epoch millis; -1 without a valid event, or for a time before 1970. */
  long eventTimeMs() {
    if (event == null) {
      return -1;
    }
    try {
      return Math.max(-1, event.eventTime().toEpochMilli());
    } catch (ArithmeticException e) {
      return -1;
    }
  }
}
