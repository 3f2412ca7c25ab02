package io.lorastream.bench.trainer;

import io.lorastream.model.EncoderEmbedder;
import io.lorastream.model.adapter.AdapterKeys;
import io.lorastream.model.adapter.AdapterSigner;
import io.lorastream.model.adapter.AdapterVerifier;
import io.lorastream.model.eval.BeirDataset;
import io.lorastream.model.eval.EmbeddingMatrix;
import io.lorastream.model.eval.ProgressListener;
import io.lorastream.schemas.EventCodecs;
import io.lorastream.schemas.PairIds;
import io.lorastream.schemas.TextLimits;
import io.lorastream.schemas.TrainingPair;
import io.lorastream.trainer.AdapterSettings;
import io.lorastream.trainer.ContinualTrainer;
import io.lorastream.trainer.OfflineRun;
import io.lorastream.trainer.TrainerConfigFiles;
import io.lorastream.trainer.TrainerListener;
import io.lorastream.trainer.TrainerSettings;
import io.lorastream.trainer.TrainerTopics;
import io.lorastream.trainer.gate.AdapterEvaluation;
import io.lorastream.trainer.gate.HeldOutSlice;
import io.lorastream.trainer.step.TrainerModel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The trainer benchmark: SciFact click pairs through a real broker into a real trainer. Phase 1
 * (throughput) produces a burst of pairs and times the trainer through all of them up to the commit
 * that covers them; a baseline in the same run trains the same settings offline (no Kafka, no gate,
 * no checkpoints) so the ratio shows what the pipeline costs. Phase 2 (freshness) produces pairs at
 * a steady rate below the measured throughput and times each from its production to the moment a
 * reader of the adapters topic (read_committed, verifying like an embedding server) sees the first
 * version whose input offsets cover it.
 */
public final class TrainerBench {

  /**
   * @param dataset a BEIR folder (SciFact)
   * @param bootstrap a running broker
   * @param settingsFile trainer settings to start from, or null for the defaults
   * @param burstPairs pairs of phase 1 (0 = every train click)
   * @param streamPairs pairs of phase 2
   * @param rate phase 2 pairs per second; 0 = half the phase 1 throughput
   * @param coldDocuments start with an empty document cache instead of the corpus' cached base
   *     embeddings
   * @param baselinePairs pairs the offline baseline trains
   */
  public record Options(
      Path dataset,
      String bootstrap,
      Path settingsFile,
      int burstPairs,
      int streamPairs,
      double rate,
      boolean coldDocuments,
      int baselinePairs) {}

  private static final String ADAPTER = "scifact";
  private static final String TENANT = "bench";

  private TrainerBench() {}

  public static Map<String, Object> run(Options o, PrintStream log) throws Exception {
    Path work = Files.createTempDirectory("lorastream-bench-trainer");
    KeyPair keys = AdapterKeys.generate();
    Path privateKey = work.resolve(AdapterKeys.PRIVATE_KEY_FILE);
    AdapterKeys.writePrivateKey(privateKey, keys.getPrivate(), false);
    Map<String, String> overrides = new LinkedHashMap<>();
    overrides.put("bootstrap", o.bootstrap());
    overrides.put("signing-key", privateKey.toString());
    overrides.put("metrics-port", "-1");
    overrides.put("instance-id", "bench-trainer");
    overrides.put("group-id", "bench-trainer");
    TrainerSettings s =
        o.settingsFile() == null
            ? TrainerConfigFiles.fromMap(overrides)
            : TrainerConfigFiles.load(o.settingsFile(), overrides);
    AdapterSettings a = s.settingsFor(ADAPTER);
    int maxLength = a.maxSeqLength();

    try (TrainerModel model =
        TrainerModel.load(s.baseModel(), s.device(), s.precision(), s.documentCacheSize())) {
      BeirDataset ds = BeirDataset.load(o.dataset());
      log.println(
          "bench trainer: base corpus embeddings (cached after the first run; the first takes minutes)...");
      EmbeddingMatrix corpus =
          AdapterEvaluation.baseCorpus(model, ds, maxLength, ProgressListener.NONE);
      List<TrainingPair> clicks =
          SimulatedClicks.pairs(
              ds,
              "train",
              corpus,
              EncoderEmbedder.symmetric(model.encoder(), model.tokenizer(maxLength)),
              10,
              4,
              ADAPTER,
              TENANT,
              Instant.now());
      // The stream of phase 2 is feedback the trainer has not seen (the last clicks), as in
      // production: pairs it had
      // trained on already only make the candidates overfit, and the gate rightly publishes none of
      // them.
      int burstSize =
          o.burstPairs() > 0
              ? Math.min(o.burstPairs(), clicks.size())
              : Math.max(1, clicks.size() - o.streamPairs());
      List<TrainingPair> burst = clicks.subList(0, burstSize);
      if (!o.coldDocuments()) {
        for (int i = 0; i < corpus.size(); i++) {
          model
              .documents(maxLength)
              .put(SimulatedClicks.passage(ds, corpus.ids().get(i)), corpus.row(i));
        }
      }

      log.printf("bench trainer: offline baseline on %d pairs...%n", o.baselinePairs());
      OfflineRun.Result baseline =
          OfflineRun.train(
              model,
              "baseline",
              a,
              clicks.subList(0, Math.min(o.baselinePairs(), clicks.size())),
              s.holdoutFraction(),
              1);
      double baselineRate = baseline.pairsTrained() / baseline.trainSeconds();

      TrainerTopics.ensure(o.bootstrap(), TrainerTopics.specs(s), Duration.ofSeconds(60));
      Stats stats = new Stats();
      ContinualTrainer trainer =
          new ContinualTrainer(
              s, model, AdapterSigner.fromFile(privateKey), new SimpleMeterRegistry(), stats);
      Thread thread = new Thread(trainer::run, "bench-trainer");
      AdapterVerifier verifier =
          new AdapterVerifier(keys.getPublic(), model.baseId(), model.encoder().config());
      Map<String, Object> out = new LinkedHashMap<>();
      try (KafkaProducer<String, byte[]> producer =
              new KafkaProducer<>(producerProps(o.bootstrap()));
          AdapterWatcher watcher =
              new AdapterWatcher(
                  o.bootstrap(), s.topics().adapters(), verifier, s.maxRecordBytes())) {
        var serializer =
            EventCodecs.create(TextLimits.DEFAULTS).trainingPairs().serde().serializer();
        String topic = s.topics().trainingPairs();
        // phase 1: a burst, trained as fast as the trainer goes
        for (TrainingPair p : burst) {
          producer.send(new ProducerRecord<>(topic, ADAPTER, serializer.serialize(topic, p)));
        }
        producer.flush();
        long trainable =
            burst.stream()
                .filter(p -> !HeldOutSlice.isHeldOut(p.tenant(), p.anchor(), s.holdoutFraction()))
                .count();
        log.printf("bench trainer: phase 1, %d pairs (%d to train)...%n", burst.size(), trainable);
        long t0 = System.nanoTime();
        thread.start();
        stats.awaitCommittedPairs(trainable, Duration.ofMinutes(60));
        double burstSeconds = (System.nanoTime() - t0) / 1e9;
        double pairsPerSecond = trainable / burstSeconds;
        double examplesPerSecond = stats.examples.get() / burstSeconds;

        // phase 2: a steady stream, each pair timed to the version that covers it
        double rate = o.rate() > 0 ? o.rate() : Math.max(0.5, pairsPerSecond / 2);
        log.printf(
            "bench trainer: phase 1 took %.1f s (%.2f pairs/s); phase 2, %d pairs at %.2f pairs/s...%n",
            burstSeconds, pairsPerSecond, o.streamPairs(), rate);
        List<long[]> produced = new ArrayList<>(); // {offset, producedAtMs}
        long start = System.nanoTime();
        for (int i = 0; i < o.streamPairs(); i++) {
          long due = start + (long) (i * 1e9 / rate);
          long sleep = (due - System.nanoTime()) / 1_000_000;
          if (sleep > 0) {
            Thread.sleep(sleep);
          }
          int next = burstSize + i;
          TrainingPair p =
              next < clicks.size()
                  ? again(clicks.get(next), 1, Instant.now())
                  : again(clicks.get(i % clicks.size()), i / clicks.size() + 2, Instant.now());
          long at = System.currentTimeMillis();
          RecordMetadata m =
              producer
                  .send(new ProducerRecord<>(topic, ADAPTER, serializer.serialize(topic, p)))
                  .get();
          produced.add(new long[] {m.offset(), at, m.partition()});
        }
        long lastOffset = produced.get(produced.size() - 1)[0];
        String inputKey = topic + "-" + produced.get(0)[2];
        // A pair is fresh once a published version covers it; the gate may reject the candidates
        // after the stream's
        // last pairs, and with no more feedback nothing covers those: wait a minute, then count
        // them as unpublished.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (watcher.seen().stream()
                .noneMatch(v -> v.manifest().inputOffsets().getOrDefault(inputKey, 0L) > lastOffset)
            && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        List<Double> freshness = new ArrayList<>();
        for (long[] p : produced) {
          watcher.seen().stream()
              .filter(v -> v.manifest().inputOffsets().getOrDefault(inputKey, 0L) > p[0])
              .mapToLong(AdapterWatcher.Seen::seenAtMs)
              .min()
              .ifPresent(seenAt -> freshness.add((seenAt - p[1]) / 1000.0));
        }
        if (freshness.isEmpty()) {
          throw new IllegalStateException(
              "no published version covers any of the "
                  + produced.size()
                  + " stream pairs: the gate rejected every candidate (see the log)");
        }
        freshness.sort(Double::compare);
        out.put("stream_pairs_published", freshness.size());
        out.put("pairs_per_second", round(pairsPerSecond));
        out.put("examples_per_second", round(examplesPerSecond));
        out.put("freshness_p50_seconds", round(quantile(freshness, 0.5)));
        out.put("freshness_p99_seconds", round(quantile(freshness, 0.99)));
        out.put("freshness_max_seconds", round(freshness.get(freshness.size() - 1)));
        out.put("baseline_offline_pairs_per_second", round(baselineRate));
        out.put("ratio_vs_offline", round(pairsPerSecond / baselineRate));
        out.put("burst_pairs", burst.size());
        out.put("stream_pairs", o.streamPairs());
        out.put("stream_rate_pairs_per_second", round(rate));
        out.put("versions_published", watcher.seen().size());
        out.put("gate_accepted", stats.accepted.get());
        out.put("gate_rejected", stats.rejected.get());
        out.put("refused_by_verifier", watcher.refused().size());
        out.put("settings", settingsUsed(s, a, o, model));
      } finally {
        trainer.stop();
        if (thread.isAlive() || thread.getState() != Thread.State.NEW) {
          trainer.awaitStopped(Duration.ofMinutes(2));
        }
      }
      return out;
    }
  }

  /** The same click again, as a later search by another user: new event ids, so a new pair id. */
  static TrainingPair again(TrainingPair p, int round, Instant eventTime) {
    List<String> sources = p.sourceEventIds().stream().map(id -> id + "#" + round).toList();
    return new TrainingPair(
        p.schemaVersion(),
        PairIds.of(p.kind(), sources, p.positiveDocId(), p.negativeDocIds()),
        p.kind(),
        p.adapter(),
        p.tenant(),
        p.anchor(),
        p.positive(),
        p.positiveDocId(),
        p.negatives(),
        p.negativeDocIds(),
        p.weight(),
        p.label(),
        sources,
        eventTime,
        p.queryId(),
        p.impressionId() + "#" + round,
        p.shownDocIds());
  }

  private static Map<String, Object> settingsUsed(
      TrainerSettings s, AdapterSettings a, Options o, TrainerModel model) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("device", model.encoder().device().toString());
    m.put("precision", model.encoder().precision().toString());
    m.put("mode", a.mode().configName());
    m.put("loss", a.loss().kind().configName());
    m.put("lora_r", a.lora().rank());
    m.put("target_modules", a.lora().orderedTargets().stream().map(t -> t.configName()).toList());
    m.put("lr", a.learningRate());
    m.put("batch_size", a.batchSize());
    m.put("gradient_accumulation", a.gradientAccumulation());
    m.put("replay_fraction", a.replayFraction());
    m.put("max_negatives", a.maxNegatives());
    m.put("max_seq_length", a.maxSeqLength());
    m.put("batch_max_wait_ms", s.batchMaxWait().toMillis());
    m.put("commit_interval_ms", s.commitInterval().toMillis());
    m.put("commit_every_steps", s.commitEverySteps());
    m.put("holdout_fraction", s.holdoutFraction());
    m.put("gate_tolerance", a.gate().tolerance());
    m.put(
        "documents",
        o.coldDocuments()
            ? "cold (embedded by the trainer)"
            : "base embeddings preloaded from the corpus cache");
    m.put("cores", Runtime.getRuntime().availableProcessors());
    return m;
  }

  private static Properties producerProps(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }

  static double quantile(List<Double> sorted, double q) {
    int i = (int) Math.ceil(q * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /** Counts what the trainer reports. */
  private static final class Stats implements TrainerListener {
    final AtomicLong newPairs = new AtomicLong();
    final AtomicLong examples = new AtomicLong();
    final AtomicLong committedPairs = new AtomicLong();
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    private volatile long trainedAtBegin;

    @Override
    public void stepTaken(String adapter, long step, double loss, int newPairs, int replayed) {
      this.newPairs.addAndGet(newPairs);
      examples.addAndGet(newPairs + replayed);
    }

    @Override
    public void gateDecided(String adapter, long step, io.lorastream.trainer.gate.GateDecision d) {
      (d.accepted() ? accepted : rejected).incrementAndGet();
    }

    @Override
    public void transactionBegun() {
      trainedAtBegin = newPairs.get();
    }

    @Override
    public void committed(
        List<io.lorastream.model.adapter.AdapterManifest> published, int checkpoints) {
      committedPairs.set(trainedAtBegin);
    }

    void awaitCommittedPairs(long n, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (committedPairs.get() < n) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "the trainer committed "
                  + committedPairs.get()
                  + " of "
                  + n
                  + " pairs in "
                  + timeout);
        }
        Thread.sleep(20);
      }
    }
  }
}
