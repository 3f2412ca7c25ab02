package io.lorastream.streams;

import io.lorastream.schemas.DeadLetterReason;
import io.lorastream.schemas.Document;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Validates the documents topic: a valid document goes on as its passage (doc id to title + text)
 * to the compacted passages topic, which every instance loads whole into its global passages store;
 * a tombstone goes on as a tombstone (the document is deleted); anything else is dead-lettered, and
 * the last good version of that document stays.
 */
final class DocumentProcessor implements Processor<byte[], Decoded, Object, Object> {
  private final FeedbackMetrics metrics;
  private ProcessorContext<Object, Object> context;
  private DeadLetters deadLetters;

  DocumentProcessor(FeedbackMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    this.deadLetters = new DeadLetters(context, metrics, FeedbackTopology.DOCUMENTS);
  }

  @Override
  public void process(Record<byte[], Decoded> record) {
    metrics.eventIn("document");
    SourceRecord source = Sources.current(context, record);
    if (record.value().isTombstone()) {
      if (record.key() == null) {
        deadLetters.send(
            source,
            DeadLetterReason.KEY_MISMATCH,
            "a tombstone on "
                + source.topic()
                + " without a key deletes nothing; a delete is the doc id as key and a null value");
        return;
      }
      context.forward(
          new Record<Object, Object>(
              new String(record.key(), StandardCharsets.UTF_8), null, record.timestamp()),
          FeedbackTopology.PASSAGE_SINK);
      return;
    }
    if (record.value().violation() != null) {
      deadLetters.send(source, record.value().violation());
      return;
    }
    Document doc = (Document) record.value().event();
    if (!Sources.keyIs(source, doc.docId())) {
      deadLetters.send(
          source, DeadLetterReason.KEY_MISMATCH, Sources.keyMessage(source, "doc_id", doc.docId()));
      return;
    }
    context.forward(
        new Record<Object, Object>(
            doc.docId(), Document.passage(doc.title(), doc.text()), record.timestamp()),
        FeedbackTopology.PASSAGE_SINK);
  }
}
