package io.lorastream.trainer.gate;

import io.lorastream.model.adapter.AdaptationMode;
import io.lorastream.model.eval.EmbeddingMatrix;
import io.lorastream.model.lora.AdapterWeights;
import io.lorastream.model.lora.LoraAdapter;
import io.lorastream.trainer.GateSettings;
import io.lorastream.trainer.TrainerListener;
import io.lorastream.trainer.TrainerMetrics;
import io.lorastream.trainer.publish.AdapterPublisher;
import io.lorastream.trainer.publish.Publication;
import io.lorastream.trainer.step.AdapterTrainer;
import io.lorastream.trainer.step.TrainerModel;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quality gate at a commit point. It scores an adapter's candidate, the base model and the
 * published version query by query (nDCG@10) on the same evaluation queries: the held-out slice
 * ranked against every document the trainer knows ({@code query} mode) or against the held-out pool
 * ({@code both} mode), or a fixed BEIR set. It publishes the candidate only when, as paired samples
 * over queries, its gain over the base has a lower confidence bound above {@code gate-min-gain} and
 * its gain over the published version an upper confidence bound above {@code -gate-tolerance} (it
 * is not shown to be worse than the version users have; comparing a lower bound with a version
 * chosen for its high score would hold the first lucky version in place). Every decision is
 * counted, logged and exported with its figures; an accepted candidate becomes a signed version for
 * the transaction.
 */
public final class QualityGate {

  private static final Logger LOG = LoggerFactory.getLogger(QualityGate.class);
  static final int BOOTSTRAP_RESAMPLES = 2000;

  /**
   * Documents embedded before one gate run at most: the first runs on a large corpus must not stall
   * training.
   */
  static final int EMBED_PER_GATE = 2048;

  private final TrainerModel model;
  private final AdapterPublisher publisher;
  private final TrainerMetrics metrics;
  private final TrainerListener listener;
  private final GateEvaluator evaluator;
  private final FixedEvalSets fixedEvals;

  /**
   * @param publisher signs accepted versions; null to decide only ({@link #decide})
   */
  public QualityGate(
      TrainerModel model,
      AdapterPublisher publisher,
      TrainerMetrics metrics,
      TrainerListener listener) {
    this.model = model;
    this.publisher = publisher;
    this.metrics = metrics;
    this.listener = listener;
    this.evaluator = new GateEvaluator(model.encoder());
    this.fixedEvals = new FixedEvalSets(model);
  }

  /** Judges {@code t}'s candidate; returns the version to publish, or null. */
  public Publication judge(AdapterTrainer t, Map<TopicPartition, OffsetAndMetadata> offsets) {
    GateDecision d = decide(t);
    if (d == null || !d.accepted()) {
      return null;
    }
    TopicPartition in = t.input();
    SortedMap<String, Long> inputOffsets =
        new TreeMap<>(Map.of(in.toString(), offsets.get(in).offset()));
    try {
      return publisher.prepare(
          t,
          t.publishedVersion() + 1,
          t.candidateWeights(),
          d.manifestFigures(),
          inputOffsets,
          Instant.now());
    } catch (AdapterPublisher.RecordTooLargeException e) {
      LOG.error("{}: {}", t.name(), e.getMessage());
      metrics.refused(t.name(), "adapter");
      listener.refused(t.name(), e.getMessage());
      return null;
    }
  }

  /**
   * Decides about {@code t}'s candidate, or returns null when it has not trained since the last
   * decision.
   */
  public GateDecision decide(AdapterTrainer t) {
    if (!t.trainedSinceGate()) {
      return null;
    }
    GateSettings g = t.settings().gate();
    EvalData data = evalData(t);
    long step = t.steps();
    if (data.queryCount() < g.minQueries()) {
      GateDecision d =
          new GateDecision(
              GateDecision.Outcome.WAITING,
              data.queryCount()
                  + " evaluation queries, "
                  + g.minQueries()
                  + " needed (gate-min-queries)",
              data.queryCount(),
              0,
              Double.NaN,
              Double.NaN,
              Double.NaN,
              null,
              null,
              g,
              Map.of(),
              new double[0]);
      report(t, step, d);
      return d;
    }
    t.judged();
    AdaptationMode mode = t.settings().mode();
    int documents = data.rankedDocuments(true);
    AdapterWeights weights = t.candidateWeights();
    if (!weights.allFinite()) {
      GateDecision d =
          new GateDecision(
              GateDecision.Outcome.REJECTED,
              "the candidate's weights are not finite",
              data.queryCount(),
              documents,
              Double.NaN,
              Double.NaN,
              Double.NaN,
              null,
              null,
              g,
              Map.of(),
              new double[0]);
      report(t, step, d);
      return d;
    }
    GateEvaluator.Scores candidate;
    try (LoraAdapter c = LoraAdapter.fromWeights(weights, model.encoder().manager(), false)) {
      candidate = evaluator.perQueryNdcgAt10(data, c, mode, t.tokenizer(), t.documents(), null);
    }
    GateEvaluator.Scores base =
        evaluator.perQueryNdcgAt10(data, null, mode, t.tokenizer(), t.documents(), t.baseMemo());
    GateEvaluator.Scores published = base;
    if (t.publishedWeights() != null) {
      try (LoraAdapter a =
          LoraAdapter.fromWeights(t.publishedWeights(), model.encoder().manager(), false)) {
        published =
            evaluator.perQueryNdcgAt10(
                data, a, mode, t.tokenizer(), t.documents(), t.publishedMemo());
      }
    }
    Map<String, Double> byMetric = new TreeMap<>();
    for (GateMetric m : GateMetric.values()) {
      PairedBootstrap.Gain gm =
          PairedBootstrap.lowerBound(
              candidate.of(m), base.of(m), g.confidence(), BOOTSTRAP_RESAMPLES, step);
      byMetric.put(m.configName(), gm.gain());
      byMetric.put(m.configName() + "_lower_bound", gm.lowerBound());
    }
    GateDecision d =
        rule(
            g,
            candidate.of(g.metric()),
            base.of(g.metric()),
            t.publishedVersion() == 0 ? null : published.of(g.metric()),
            documents,
            step,
            byMetric);
    report(t, step, d);
    return d;
  }

  /**
   * The decision on per-query scores (same queries, same order); {@code published} null before the
   * first version.
   */
  static GateDecision rule(
      GateSettings g,
      double[] candidate,
      double[] base,
      double[] published,
      int documents,
      long seed,
      Map<String, Double> gainByMetric) {
    PairedBootstrap.Gain vsBase =
        PairedBootstrap.lowerBound(candidate, base, g.confidence(), BOOTSTRAP_RESAMPLES, seed);
    PairedBootstrap.Gain vsPublished =
        published == null
            ? null
            : PairedBootstrap.lowerBound(
                candidate, published, g.confidence(), BOOTSTRAP_RESAMPLES, seed + 1);
    double c = mean(candidate);
    double b = mean(base);
    double p = published == null ? b : mean(published);
    int conf = (int) Math.round(g.confidence() * 100);
    String reason;
    boolean accepted;
    if (g.open()) {
      accepted = true;
      reason = "gate-tolerance is inf: every candidate is published";
    } else if (!(vsBase.lowerBound() > g.minGain())) {
      accepted = false;
      reason =
          String.format(
              Locale.ROOT,
              "gain over the base %+.4f, %d%% lower bound %+.4f, not above gate-min-gain %.4f",
              vsBase.gain(),
              conf,
              vsBase.lowerBound(),
              g.minGain());
    } else if (vsPublished != null && !(vsPublished.upperBound() > -g.tolerance())) {
      accepted = false;
      reason =
          String.format(
              Locale.ROOT,
              "gain over the published version %+.4f, %d%% upper bound %+.4f: worse than it by more than gate-tolerance %.4f",
              vsPublished.gain(),
              conf,
              vsPublished.upperBound(),
              g.tolerance());
    } else {
      accepted = true;
      reason =
          String.format(
              Locale.ROOT,
              "gain over the base %+.4f (%d%% lower bound %+.4f)%s",
              vsBase.gain(),
              conf,
              vsBase.lowerBound(),
              vsPublished == null
                  ? ""
                  : String.format(
                      Locale.ROOT,
                      ", over the published version %+.4f (upper bound %+.4f)",
                      vsPublished.gain(),
                      vsPublished.upperBound()));
    }
    return new GateDecision(
        accepted ? GateDecision.Outcome.ACCEPTED : GateDecision.Outcome.REJECTED,
        reason,
        candidate.length,
        documents,
        c,
        b,
        p,
        vsBase,
        vsPublished,
        g,
        gainByMetric,
        differences(candidate, base));
  }

  /** The held-out slice ranked against the known corpus (query mode), or the fixed set. */
  private EvalData evalData(AdapterTrainer t) {
    GateSettings g = t.settings().gate();
    if (g.fixedEvalSet()) {
      return fixedEvals.get(g.evalDataset(), g.evalSplit(), t.settings().maxSeqLength());
    }
    EmbeddingMatrix known = null;
    if (t.settings().mode() == AdaptationMode.QUERY
        && t.heldOut().scorableQueries() >= g.minQueries()) {
      t.corpus().embedPending(model.encoder(), t.tokenizer(), t.documents(), EMBED_PER_GATE);
      known = t.corpus().matrix();
    }
    return EvalData.of(t.heldOut(), known);
  }

  private void report(AdapterTrainer t, long step, GateDecision d) {
    metrics.gate(t.name(), d);
    if (d.outcome() == GateDecision.Outcome.WAITING) {
      return;
    }
    listener.gateDecided(t.name(), step, d);
    String against = t.publishedVersion() == 0 ? "base" : "v" + t.publishedVersion();
    LOG.info(
        "{}: candidate at step {} {} against {} on {} queries x {} documents: nDCG@10 {} (base {}, published {}); {}",
        t.name(),
        step,
        d.outcome().metricName(),
        against,
        d.queries(),
        d.documents(),
        fmt(d.candidate()),
        fmt(d.base()),
        fmt(d.published()),
        d.reason());
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }

  private static double[] differences(double[] a, double[] b) {
    double[] d = new double[a.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = a[i] - b[i];
    }
    return d;
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }
}
