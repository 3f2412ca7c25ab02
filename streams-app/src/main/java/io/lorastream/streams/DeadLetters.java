package io.lorastream.streams;

import io.lorastream.schemas.ContractViolation;
import io.lorastream.schemas.DeadLetter;
import io.lorastream.schemas.DeadLetterReason;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Forwards a record's original bytes to its processor's dead-letter sink, inside the task's
 * transaction, and counts it.
 */
final class DeadLetters {
  private final ProcessorContext<Object, Object> context;
  private final FeedbackMetrics metrics;
  private final String sink;

  /**
   * @param processor the name of the processor node that sends, which has its own sink
   */
  DeadLetters(ProcessorContext<Object, Object> context, FeedbackMetrics metrics, String processor) {
    this.context = context;
    this.metrics = metrics;
    this.sink = FeedbackTopology.deadLetterSink(processor);
  }

  /**
   * A record whose value broke its contract: the violation names the reason and says what was
   * wrong.
   */
  void send(SourceRecord source, ContractViolation violation) {
    send(source, violation.reason(), violation.getMessage());
  }

  void send(SourceRecord source, DeadLetterReason reason, String message) {
    DeadLetter letter =
        new DeadLetter(reason, message, source.topic(), source.partition(), source.offset());
    context.forward(
        new Record<Object, Object>(
            source.key(),
            source.value(),
            Math.max(0, source.timestamp()),
            letter.toHeaders(source.kafkaHeaders())),
        sink);
    metrics.deadLetter(reason);
  }
}
