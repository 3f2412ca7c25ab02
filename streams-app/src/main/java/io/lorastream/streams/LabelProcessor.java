package io.lorastream.streams;

import io.lorastream.schemas.DeadLetterReason;
import io.lorastream.schemas.PairKind;
import io.lorastream.schemas.RelevanceLabel;
import io.lorastream.schemas.TrainingPair;
import io.lorastream.streams.config.FeedbackStreamsConfig;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Relevance labels to pairs: every label gives a labelled pair (query, judged doc, label = grade /
 * 3). Grade-0 docs are remembered per query (the k most recent) and become the hard negatives of
 * that query's later grade-2+ labels. Replays are dropped by event id for {@code dedupe-retention}
 * of event time.
 */
final class LabelProcessor implements Processor<byte[], Decoded, Object, Object> {
  private final FeedbackStreamsConfig config;
  private final FeedbackMetrics metrics;

  private ProcessorContext<Object, Object> context;
  private WindowStore<String, Long> seen;
  private KeyValueStore<String, NegativeLabels> negatives;
  private DeadLetters deadLetters;
  private PairAssembler assembler;

  LabelProcessor(FeedbackStreamsConfig config, FeedbackMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    this.seen = context.getStateStore(FeedbackTopology.LABEL_SEEN_STORE);
    this.negatives = context.getStateStore(FeedbackTopology.LABEL_NEGATIVES_STORE);
    this.deadLetters = new DeadLetters(context, metrics, FeedbackTopology.LABELS);
    this.assembler =
        new PairAssembler(
            FeedbackTopology.LABELS,
            context,
            context.getStateStore(FeedbackTopology.PASSAGES_STORE),
            context.getStateStore(FeedbackTopology.LABEL_PARKED_STORE),
            config.rules(),
            metrics,
            deadLetters);
    context.schedule(
        config.window().closeCheckInterval(),
        PunctuationType.WALL_CLOCK_TIME,
        now -> assembler.retryParked());
  }

  @Override
  public void process(Record<byte[], Decoded> record) {
    metrics.eventIn("relevance_label");
    SourceRecord source = Sources.current(context, record);
    if (record.value().violation() != null) {
      deadLetters.send(source, record.value().violation());
      return;
    }
    RelevanceLabel label = (RelevanceLabel) record.value().event();
    String key = RelevanceLabel.key(label.tenant(), label.query());
    if (!Sources.keyIs(source, key)) {
      deadLetters.send(
          source,
          DeadLetterReason.KEY_MISMATCH,
          Sources.keyMessage(source, "tenant + '/' + query", key));
      return;
    }
    String future =
        Sources.futureMessage(context, label.eventTime(), config.window().maxClockSkew());
    if (future != null) {
      deadLetters.send(source, DeadLetterReason.EVENT_TIME_IN_FUTURE, future);
      return;
    }
    long t = label.eventTime().toEpochMilli();
    long retention = config.rules().dedupeRetention().toMillis();
    try (WindowStoreIterator<Long> it = seen.fetch(label.eventId(), t - retention, t + retention)) {
      if (it.hasNext()) {
        metrics.duplicate("relevance_label");
        return;
      }
    }
    seen.put(label.eventId(), t, t);

    NegativeLabels known = negatives.get(key);
    NegativeLabels updated =
        (known == null ? NegativeLabels.EMPTY : known).after(label, config.rules().maxNegatives());
    if (!updated.equals(known == null ? NegativeLabels.EMPTY : known)) {
      negatives.put(key, updated);
    }
    List<ClickModel.Negative> candidates = new ArrayList<>();
    if (label.grade() >= 2 && known != null) {
      // most recent grade-0 judgments first
      for (int i = known.entries().size() - 1; i >= 0; i--) {
        NegativeLabels.Entry e = known.entries().get(i);
        if (!e.docId().equals(label.docId())) {
          candidates.add(new ClickModel.Negative(e.docId(), 0, List.of(e.eventId())));
        }
      }
    }
    assembler.offer(
        new PairDraft(
            PairKind.LABEL,
            config.routing().adapterFor(label.tenant()),
            label.tenant(),
            label.query(),
            label.queryId(),
            null,
            label.docId(),
            candidates,
            config.rules().labelWeight(),
            TrainingPair.labelOfGrade(label.grade()),
            List.of(label.eventId()),
            t,
            List.of(),
            source,
            0L));
  }
}
