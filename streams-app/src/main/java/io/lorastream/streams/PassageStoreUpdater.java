package io.lorastream.streams;

import io.lorastream.schemas.JsonText;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the global passages store equal to the passages topic (also run on restore, so it must be
 * pure). A passage is stored escaped for JSON ({@link JsonText#stored}), once per document version:
 * every pair that uses it copies the bytes into its JSON without decoding or escaping them again.
 * Plain UTF-8 that a store held before is still read ({@link JsonText#fromStored}).
 */
final class PassageStoreUpdater implements Processor<String, byte[], Void, Void> {
  private KeyValueStore<String, byte[]> store;

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(FeedbackTopology.PASSAGES_STORE);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.key() == null) {
      return; // the document processor never writes one
    }
    if (record.value() == null) {
      store.delete(record.key());
    } else {
      store.put(record.key(), JsonText.escape(record.value()).stored());
    }
  }
}
