package io.lorastream.trainer;

import io.lorastream.model.lora.AdapterWeights;
import io.lorastream.model.lora.LoraAdapter;
import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quality gate at a commit point: scores an adapter's candidate and its published version (the base model before
 * the first) by nDCG@10 on the same evaluation set (the held-out slice, or a fixed BEIR set), and turns an accepted
 * candidate into a signed version for the transaction. Rejections are counted and logged with both figures.
 */
final class QualityGate {

  private static final Logger LOG = LoggerFactory.getLogger(QualityGate.class);

  private final TrainerModel model;
  private final AdapterPublisher publisher;
  private final TrainerMetrics metrics;
  private final TrainerListener listener;
  private final GateEvaluator evaluator;
  private final FixedEvalSets fixedEvals;

  QualityGate(TrainerModel model, AdapterPublisher publisher, TrainerMetrics metrics, TrainerListener listener) {
    this.model = model;
    this.publisher = publisher;
    this.metrics = metrics;
    this.listener = listener;
    this.evaluator = new GateEvaluator(model.encoder());
    this.fixedEvals = new FixedEvalSets(model);
  }

  /** Judges {@code t}'s candidate; returns the version to publish, or null. */
  Publication judge(AdapterTrainer t, Map<TopicPartition, OffsetAndMetadata> offsets) {
    if (!t.trainedSinceGate()) {
      return null;
    }
    GateSettings g = t.settings.gate();
    EvalData data = g.fixedEvalSet()
        ? fixedEvals.get(g.evalDataset(), g.evalSplit(), t.settings.maxSeqLength())
        : EvalData.of(t.heldOut);
    if (data.queryCount() < g.minQueries()) {
      metrics.gate(t.name, "waiting");
      return null;
    }
    long step = t.session.stepCount();
    t.stepsAtLastGate = step;
    t.dirty = true;
    AdapterWeights weights = t.session.adapterWeights();
    double candidate = weights.allFinite()
        ? evaluator.ndcgAt10(data, t.session.adapter(), t.settings.mode(), t.tokenizer, t.documents, null)
        : Double.NaN;
    double published;
    if (t.publishedWeights == null) {
      published = evaluator.ndcgAt10(data, null, t.settings.mode(), t.tokenizer, t.documents, t.publishedMemo);
    } else {
      try (LoraAdapter a = LoraAdapter.fromWeights(t.publishedWeights, model.encoder().manager(), false)) {
        published = evaluator.ndcgAt10(data, a, t.settings.mode(), t.tokenizer, t.documents, t.publishedMemo);
      }
    }
    boolean accepted = candidate >= published - g.tolerance();
    String against = t.publishedVersion == 0 ? "base" : "v" + t.publishedVersion;
    metrics.evalFigures(t.name, candidate, published);
    metrics.gate(t.name, accepted ? "accepted" : "rejected");
    listener.gateDecided(t.name, step, candidate, published, accepted);
    if (!accepted) {
      LOG.info("{}: candidate at step {} rejected: nDCG@10 {} vs {} {} (tolerance {}) on {} queries", t.name, step,
          String.format("%.4f", candidate), against, String.format("%.4f", published), g.tolerance(), data.queryCount());
      return null;
    }
    SortedMap<String, Double> eval = new TreeMap<>();
    eval.put("candidate_ndcg@10", candidate);
    eval.put((t.publishedVersion == 0 ? "base" : "published") + "_ndcg@10", published);
    eval.put("eval_queries", (double) data.queryCount());
    eval.put("eval_pool_docs", (double) data.poolIds().size());
    TopicPartition in = new TopicPartition(t.inputTopic, t.inputPartition);
    SortedMap<String, Long> inputOffsets = new TreeMap<>(Map.of(in.toString(), offsets.get(in).offset()));
    try {
      return publisher.prepare(t, t.publishedVersion + 1, weights, eval, inputOffsets, Instant.now());
    } catch (AdapterPublisher.RecordTooLargeException e) {
      LOG.error("{}: {}", t.name, e.getMessage());
      metrics.refused(t.name, "adapter");
      listener.refused(t.name, e.getMessage());
      return null;
    }
  }
}
