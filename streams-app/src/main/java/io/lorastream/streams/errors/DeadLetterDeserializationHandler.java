package io.lorastream.streams.errors;

import io.lorastream.schemas.DeadLetter;
import io.lorastream.schemas.DeadLetterReason;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record that could not even be deserialized: dead-letter it and go on. (Input values decode into
 * {@code Decoded}, which carries a bad record to its processor instead of throwing, so this takes
 * only what escapes that: a bug.)
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);
  private DeadLetterPublisher publisher;

  @Override
  public void configure(Map<String, ?> configs) {
    publisher = DeadLetterPublisher.from(configs);
  }

  @Override
  public DeserializationHandlerResponse handle(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    log.warn(
        "dead-lettering an undeserializable record from {}-{} offset {}: {}",
        record.topic(),
        record.partition(),
        record.offset(),
        exception.toString());
    if (publisher != null) {
      publisher.publish(
          new DeadLetter(
              DeadLetterReason.DESERIALIZATION_ERROR,
              DeadLetterPublisher.describe(exception),
              record.topic(),
              record.partition(),
              record.offset()),
          record.timestamp(),
          record.key(),
          record.value(),
          record.headers());
    }
    return DeserializationHandlerResponse.CONTINUE;
  }
}
