package io.lorastream.schemas;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record broke its contract. Thrown by the event deserializers, so a consumer can dead-letter it
 * by {@link #reason()}. It is a Kafka {@link SerializationException}: clients treat it as a bad
 * record, not a broken client.
 */
public final class ContractViolation extends SerializationException {
  private final DeadLetterReason reason;

  public ContractViolation(DeadLetterReason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public ContractViolation(DeadLetterReason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public DeadLetterReason reason() {
    return reason;
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    // Bad input is expected traffic, not a bug: a stack trace per bad record would cost more than
    // the check.
    return this;
  }
}
