package io.lorastream.bench.loop;

import io.lorastream.bench.users.UserModel;
import io.lorastream.model.EncoderEmbedder;
import io.lorastream.model.InputType;
import io.lorastream.model.adapter.AdaptationMode;
import io.lorastream.model.encoder.BertEncoder;
import io.lorastream.model.eval.BeirDataset;
import io.lorastream.model.eval.BeirDocument;
import io.lorastream.model.eval.EmbeddingMatrix;
import io.lorastream.model.eval.ExactSearch;
import io.lorastream.model.eval.ProgressListener;
import io.lorastream.model.eval.ScoredDoc;
import io.lorastream.model.lora.AdapterWeights;
import io.lorastream.model.lora.LoraAdapter;
import io.lorastream.schemas.Interaction;
import io.lorastream.schemas.InteractionType;
import io.lorastream.schemas.PairIds;
import io.lorastream.schemas.PairKind;
import io.lorastream.schemas.SchemaVersion;
import io.lorastream.schemas.SearchEvent;
import io.lorastream.schemas.ShownResult;
import io.lorastream.schemas.TrainingPair;
import io.lorastream.streams.ClickModel;
import io.lorastream.streams.config.PairRules;
import io.lorastream.trainer.AdapterSettings;
import io.lorastream.trainer.OfflineLoop;
import io.lorastream.trainer.TrainerMetrics;
import io.lorastream.trainer.gate.AdapterEvaluation;
import io.lorastream.trainer.gate.GateDecision;
import io.lorastream.trainer.step.TrainerModel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The loop without Kafka or clocks: simulated users search a BEIR set's train queries with the
 * served model, click under the demo's position-biased user model, the streams app's click model
 * turns each impression into pairs, and one adapter trains and is gated exactly as the trainer does
 * it. Every candidate the gate judges is also scored on the test split, so a run shows both what
 * the training reaches and what the gate lets through. The base model's test nDCG@10, measured in
 * the same run, is the baseline.
 */
public final class LoopSimulation {

  /**
   * @param steps optimizer steps to take
   * @param searchesPerStep searches between two chances to step (the demo's users search about 10
   *     times per step)
   * @param gateEvery steps between gate decisions
   * @param holdoutFraction share of queries held out for the gate
   * @param seed the users' randomness
   */
  public record Options(
      int steps,
      int searchesPerStep,
      int gateEvery,
      double holdoutFraction,
      long seed,
      boolean scoreEveryCandidate) {}

  private static final int SHOWN = 10;
  private static final String TENANT = "sim";

  private LoopSimulation() {}

  public static Map<String, Object> run(
      TrainerModel model,
      BeirDataset data,
      AdapterSettings settings,
      Options options,
      PrintStream log) {
    int length = settings.maxSeqLength();
    BertEncoder base = model.encoder();
    EmbeddingMatrix corpus =
        AdapterEvaluation.baseCorpus(model, data, length, ProgressListener.NONE);
    for (int i = 0; i < corpus.size(); i++) {
      model
          .documents(length)
          .put(data.corpus().get(corpus.ids().get(i)).embeddingText(), corpus.row(i));
      model.corpus(length).put(corpus.ids().get(i), corpus.row(i));
    }
    Map<String, Set<String>> relevant = data.relevantDocs(data.qrels("train"));
    List<String> queryIds = new ArrayList<>(relevant.keySet());
    List<String> queryTexts = queryIds.stream().map(q -> data.queries().get(q).text()).toList();
    double baseTest = testNdcg(model, null, settings, data, corpus);
    log.printf(
        Locale.ROOT,
        "loop: base test nDCG@10 %.4f; %d train queries, %d documents%n",
        baseTest,
        queryIds.size(),
        corpus.size());

    SplittableRandom random = new SplittableRandom(options.seed());
    UserModel user = UserModel.DEFAULT;
    PairRules rules = PairRules.DEFAULTS;
    List<Map<String, Object>> timeline = new ArrayList<>();
    Map<String, Object> out = new LinkedHashMap<>();
    long searches = 0;
    long pairs = 0;
    int accepted = 0;
    int rejected = 0;
    double servedTest = baseTest;
    double worstServed = Double.NaN;
    try (OfflineLoop loop =
        new OfflineLoop(
            model,
            "sim",
            settings,
            options.holdoutFraction(),
            1000,
            5000,
            new TrainerMetrics(new SimpleMeterRegistry()))) {
      float[][] served = embedQueries(model, null, queryTexts, length);
      long t0 = System.nanoTime();
      while (loop.steps() < options.steps()) {
        for (int s = 0; s < options.searchesPerStep(); s++) {
          int q = random.nextInt(queryIds.size());
          List<ScoredDoc> ranking =
              ExactSearch.topK(new float[][] {served[q]}, corpus, SHOWN).get(0);
          List<TrainingPair> made =
              impression(
                  data,
                  queryIds.get(q),
                  queryTexts.get(q),
                  ranking,
                  user.act(
                      ranking.stream().map(ScoredDoc::docId).toList(),
                      relevant.get(queryIds.get(q)),
                      random),
                  rules,
                  searches);
          searches++;
          for (TrainingPair p : made) {
            loop.offer(p);
            pairs++;
          }
        }
        double loss = loop.stepIfReady();
        if (Double.isNaN(loss) || loop.steps() % options.gateEvery() != 0) {
          continue;
        }
        GateDecision d = loop.gate();
        if (d == null || d.outcome() == GateDecision.Outcome.WAITING) {
          continue;
        }
        Map<String, Object> point = new LinkedHashMap<>();
        point.put("step", loop.steps());
        point.put("searches", searches);
        point.put("outcome", d.outcome().metricName());
        point.put("queries", d.queries());
        point.put("gain_vs_base", round(d.vsBase().gain()));
        d.gainByMetric().forEach((m, g) -> point.put("gain_" + m, round(g)));
        point.put("lower_vs_base", round(d.vsBase().lowerBound()));
        if (d.vsPublished() != null) {
          point.put("gain_vs_published", round(d.vsPublished().gain()));
          point.put("lower_vs_published", round(d.vsPublished().lowerBound()));
        }
        if (d.accepted() || options.scoreEveryCandidate()) {
          double test =
              testNdcg(
                  model,
                  d.accepted() ? loop.published() : loop.candidate(),
                  settings,
                  data,
                  corpus);
          point.put("test_ndcg@10", round(test));
          point.put("test_gain", round(test - baseTest));
          if (d.accepted()) {
            servedTest = test;
            worstServed = Double.isNaN(worstServed) ? test : Math.min(worstServed, test);
          }
        }
        if (d.accepted()) {
          accepted++;
          served = embedQueries(model, loop.published(), queryTexts, length);
        } else {
          rejected++;
        }
        point.put("loss", round(loss));
        point.put(
            "per_query_gains",
            java.util.Arrays.stream(d.perQueryGains()).map(LoopSimulation::round).toArray());
        timeline.add(point);
        log.printf(
            Locale.ROOT,
            "loop: step %d (%d searches, %d pairs, %d pending, %.0fs) %s on %d queries: %s; by metric %s%s%n",
            loop.steps(),
            searches,
            pairs,
            loop.pending(),
            (System.nanoTime() - t0) / 1e9,
            d.outcome().metricName(),
            d.queries(),
            d.reason(),
            d.gainByMetric(),
            point.containsKey("test_ndcg@10")
                ? String.format(
                    Locale.ROOT, "; test nDCG@10 %.4f", (double) point.get("test_ndcg@10"))
                : "");
      }
      double finalCandidate = testNdcg(model, loop.candidate(), settings, data, corpus);
      out.put("base_test_ndcg@10", round(baseTest));
      out.put("served_test_ndcg@10", round(servedTest));
      out.put("worst_served_test_ndcg@10", Double.isNaN(worstServed) ? null : round(worstServed));
      out.put("final_candidate_test_ndcg@10", round(finalCandidate));
      out.put("accepted", accepted);
      out.put("rejected", rejected);
      out.put("steps", loop.steps());
      out.put("searches", searches);
      out.put("pairs", pairs);
      out.put("held_out_queries", loop.heldOutQueries());
      out.put("timeline", timeline);
    }
    return out;
  }

  /** One impression's pairs, as the streams app's click model makes them. */
  static List<TrainingPair> impression(
      BeirDataset data,
      String queryId,
      String query,
      List<ScoredDoc> ranking,
      List<UserModel.Action> actions,
      PairRules rules,
      long n) {
    Instant shown = Instant.ofEpochSecond(1_700_000_000L + n);
    String impressionId = "imp-" + n;
    List<ShownResult> results = new ArrayList<>();
    for (int i = 0; i < ranking.size(); i++) {
      results.add(new ShownResult(ranking.get(i).docId(), i + 1, ranking.get(i).score()));
    }
    SearchEvent search =
        new SearchEvent(
            SchemaVersion.CURRENT,
            impressionId,
            TENANT,
            shown,
            impressionId,
            "s",
            query,
            queryId,
            results,
            "base",
            null);
    List<Interaction> interactions = new ArrayList<>();
    int k = 0;
    for (UserModel.Action a : actions) {
      InteractionType type =
          switch (a.kind()) {
            case CLICK -> InteractionType.CLICK;
            case THUMBS_UP -> InteractionType.THUMBS_UP;
            case THUMBS_DOWN -> InteractionType.THUMBS_DOWN;
          };
      interactions.add(
          new Interaction(
              SchemaVersion.CURRENT,
              impressionId + "-" + k++,
              TENANT,
              shown.plusMillis(a.offsetMs()),
              impressionId,
              a.docId(),
              type,
              a.kind() == UserModel.Action.Kind.CLICK ? a.dwellMs() : null));
    }
    ClickModel.Outcome outcome = ClickModel.apply(search, interactions, rules);
    List<String> shownIds = ranking.stream().map(ScoredDoc::docId).toList();
    List<TrainingPair> out = new ArrayList<>();
    for (ClickModel.Positive p : outcome.positives()) {
      List<String> negIds =
          outcome.negatives().stream()
              .map(ClickModel.Negative::docId)
              .limit(rules.maxNegatives())
              .toList();
      List<String> sources = new ArrayList<>(p.sourceEventIds());
      sources.add(impressionId);
      out.add(
          new TrainingPair(
              SchemaVersion.CURRENT,
              PairIds.of(PairKind.CLICK, sources, p.docId(), negIds),
              PairKind.CLICK,
              "sim",
              TENANT,
              query,
              text(data, p.docId()),
              p.docId(),
              negIds.stream().map(d -> text(data, d)).toList(),
              negIds,
              p.weight(),
              null,
              sources,
              shown,
              queryId,
              impressionId,
              shownIds));
    }
    return out;
  }

  private static String text(BeirDataset data, String docId) {
    BeirDocument d = data.corpus().get(docId);
    return d.embeddingText();
  }

  private static float[][] embedQueries(
      TrainerModel model, AdapterWeights adapter, List<String> texts, int length) {
    BertEncoder base = model.encoder();
    if (adapter == null) {
      return EncoderEmbedder.symmetric(base, model.tokenizer(length)).embed(texts, InputType.QUERY);
    }
    try (LoraAdapter a = LoraAdapter.fromWeights(adapter, base.manager(), false);
        BertEncoder merged = base.withMergedAdapter(a)) {
      return new EncoderEmbedder(merged, base, model.tokenizer(length))
          .embed(texts, InputType.QUERY);
    }
  }

  private static double testNdcg(
      TrainerModel model,
      AdapterWeights adapter,
      AdapterSettings settings,
      BeirDataset data,
      EmbeddingMatrix corpus) {
    return AdapterEvaluation.evaluate(
            model,
            adapter,
            AdaptationMode.QUERY,
            data,
            "test",
            settings.maxSeqLength(),
            corpus,
            ProgressListener.NONE)
        .ndcgAt10();
  }

  private static double round(double v) {
    return Math.round(v * 10000) / 10000.0;
  }
}
