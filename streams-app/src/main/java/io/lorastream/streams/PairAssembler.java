package io.lorastream.streams;

import io.lorastream.schemas.DeadLetterReason;
import io.lorastream.schemas.EncodedTrainingPair;
import io.lorastream.schemas.JsonText;
import io.lorastream.schemas.PairIds;
import io.lorastream.schemas.SchemaVersion;
import io.lorastream.streams.config.PairRules;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Turns drafts into pairs by looking up document passages in the global passages store. A draft
 * whose positive is not known yet is parked in a (changelogged) store and retried on every
 * wall-clock tick until {@code document-wait} runs out; then its source record is dead-lettered
 * with {@code unknown_document}. Negatives that are unknown are skipped: a pair never waits for a
 * negative, and a deleted document is never in a pair.
 */
final class PairAssembler {
  private final ProcessorContext<Object, Object> context;
  private final KeyValueStore<String, byte[]> passages;
  private final KeyValueStore<String, PairDraft> parked;
  private final PairRules rules;
  private final FeedbackMetrics metrics;
  private final DeadLetters deadLetters;
  private final String sink;

  /**
   * @param processor the name of the processor node that emits the pairs, which has its own sink
   */
  PairAssembler(
      String processor,
      ProcessorContext<Object, Object> context,
      KeyValueStore<String, byte[]> passages,
      KeyValueStore<String, PairDraft> parked,
      PairRules rules,
      FeedbackMetrics metrics,
      DeadLetters deadLetters) {
    this.context = context;
    this.passages = passages;
    this.parked = parked;
    this.rules = rules;
    this.metrics = metrics;
    this.deadLetters = deadLetters;
    this.sink = FeedbackTopology.pairSink(processor);
  }

  /** Emits the pair now, or parks the draft until its positive's text is known. */
  void offer(PairDraft draft) {
    if (tryEmit(draft)) {
      return;
    }
    long now = context.currentSystemTimeMs();
    if (rules.documentWait().isZero()) {
      giveUp(draft);
      return;
    }
    parked.put(parkKey(draft), draft.withDeadline(now + rules.documentWait().toMillis()));
  }

  /** Retries parked drafts; those past their deadline are dead-lettered. */
  void retryParked() {
    long now = context.currentSystemTimeMs();
    List<KeyValue<String, PairDraft>> all = new ArrayList<>();
    try (KeyValueIterator<String, PairDraft> it = parked.all()) {
      it.forEachRemaining(all::add);
    }
    for (KeyValue<String, PairDraft> kv : all) {
      if (tryEmit(kv.value)) {
        parked.delete(kv.key);
      } else if (now >= kv.value.deadlineWallMs()) {
        parked.delete(kv.key);
        giveUp(kv.value);
      }
    }
  }

  private void giveUp(PairDraft draft) {
    deadLetters.send(
        draft.deadLetterSource(),
        DeadLetterReason.UNKNOWN_DOCUMENT,
        "document "
            + draft.positiveDocId()
            + " (the positive of a "
            + draft.kind().name().toLowerCase(java.util.Locale.ROOT)
            + " pair for tenant "
            + draft.tenant()
            + ") was not in "
            + "the documents topic after waiting "
            + rules.documentWait()
            + "; publish it there (or raise document-wait) and replay the feedback");
  }

  private boolean tryEmit(PairDraft draft) {
    byte[] stored = passages.get(draft.positiveDocId());
    if (stored == null) {
      return false;
    }
    JsonText positive = JsonText.fromStored(stored);
    List<String> negativeIds = new ArrayList<>();
    List<JsonText> negativeTexts = new ArrayList<>();
    TreeSet<String> sources = new TreeSet<>(draft.sourceEventIds());
    for (ClickModel.Negative n : draft.negatives()) {
      if (negativeIds.size() >= rules.maxNegatives()) {
        break;
      }
      byte[] text = passages.get(n.docId());
      if (text != null) {
        negativeIds.add(n.docId());
        negativeTexts.add(JsonText.fromStored(text));
        sources.addAll(n.sourceEventIds());
      }
    }
    List<String> sourceIds = List.copyOf(sources);
    EncodedTrainingPair pair =
        new EncodedTrainingPair(
            SchemaVersion.CURRENT,
            PairIds.of(draft.kind(), sourceIds, draft.positiveDocId(), negativeIds),
            draft.kind(),
            draft.adapter(),
            draft.tenant(),
            draft.anchor(),
            positive,
            draft.positiveDocId(),
            negativeTexts,
            negativeIds,
            draft.weight(),
            draft.label(),
            sourceIds,
            Instant.ofEpochMilli(draft.eventTimeMs()),
            draft.queryId(),
            draft.impressionId(),
            draft.shownDocIds());
    context.forward(new Record<Object, Object>(pair.adapter(), pair, draft.eventTimeMs()), sink);
    metrics.pairOut(
        pair.adapter(), pair.kind(), draft.eventTimeMs(), context.currentSystemTimeMs());
    return true;
  }

  private static String parkKey(PairDraft d) {
    return PairIds.of(d.kind(), d.sourceEventIds(), d.positiveDocId(), List.of());
  }
}
