package io.lorastream.streams.errors;

import io.lorastream.schemas.DeadLetter;
import io.lorastream.schemas.DeadLetterReason;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A processor threw (a bug, or a state we did not foresee): dead-letter the source record's
 * original bytes with the exception as the message, log it with its stack trace, and go on with the
 * next record.
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);
  private DeadLetterPublisher publisher;

  @Override
  public void configure(Map<String, ?> configs) {
    publisher = DeadLetterPublisher.from(configs);
  }

  @Override
  public ProcessingHandlerResponse handle(
      ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
    log.error(
        "processing failed in {} for {}-{} offset {}; dead-lettering the record and carrying on",
        context.processorNodeId(),
        context.topic(),
        context.partition(),
        context.offset(),
        exception);
    if (publisher != null && context.sourceRawValue() != null) {
      publisher.publish(
          new DeadLetter(
              DeadLetterReason.PROCESSING_ERROR,
              "in " + context.processorNodeId() + ": " + DeadLetterPublisher.describe(exception),
              context.topic() == null ? "unknown" : context.topic(),
              context.partition(),
              context.offset()),
          context.timestamp(),
          context.sourceRawKey(),
          context.sourceRawValue(),
          context.headers());
    }
    return ProcessingHandlerResponse.CONTINUE;
  }
}
