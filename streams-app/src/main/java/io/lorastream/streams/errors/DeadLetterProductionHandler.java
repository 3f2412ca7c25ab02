package io.lorastream.streams.errors;

import io.lorastream.schemas.DeadLetter;
import io.lorastream.schemas.DeadLetterReason;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An output could not be written (too large for the topic, not serializable): dead-letter the input
 * it came from and go on; retriable broker errors are retried.
 */
public final class DeadLetterProductionHandler implements ProductionExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(DeadLetterProductionHandler.class);
  private DeadLetterPublisher publisher;

  @Override
  public void configure(Map<String, ?> configs) {
    publisher = DeadLetterPublisher.from(configs);
  }

  @Override
  public ProductionExceptionHandlerResponse handle(
      ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
    if (exception instanceof RetriableException) {
      return ProductionExceptionHandlerResponse.RETRY;
    }
    deadLetter(context, record.key(), record.value(), record.topic(), exception);
    return ProductionExceptionHandlerResponse.CONTINUE;
  }

  @Override
  @SuppressWarnings("rawtypes")
  public ProductionExceptionHandlerResponse handleSerializationException(
      ErrorHandlerContext context,
      ProducerRecord record,
      Exception exception,
      SerializationExceptionOrigin origin) {
    deadLetter(context, null, null, record.topic(), exception);
    return ProductionExceptionHandlerResponse.CONTINUE;
  }

  private void deadLetter(
      ErrorHandlerContext context, byte[] outKey, byte[] outValue, String outTopic, Exception e) {
    log.error(
        "writing to {} failed for input {}-{} offset {}: {}; dead-lettering the input and carrying on",
        outTopic,
        context.topic(),
        context.partition(),
        context.offset(),
        e.toString());
    if (publisher == null) {
      return;
    }
    boolean haveSource = context.sourceRawValue() != null;
    publisher.publish(
        new DeadLetter(
            DeadLetterReason.PRODUCTION_ERROR,
            "writing to "
                + outTopic
                + " failed: "
                + DeadLetterPublisher.describe(e)
                + (haveSource ? "" : " (no source record: this is the output record)"),
            context.topic() == null ? outTopic : context.topic(),
            context.partition(),
            context.offset()),
        context.timestamp(),
        haveSource ? context.sourceRawKey() : outKey,
        haveSource ? context.sourceRawValue() : outValue,
        context.headers());
  }
}
