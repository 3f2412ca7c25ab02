package io.lorastream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.bench.trainer.SimulatedClicks;
import io.lorastream.kafka.KafkaCluster;
import io.lorastream.kafka.TestKafka;
import io.lorastream.model.EncoderEmbedder;
import io.lorastream.model.adapter.AdapterKeys;
import io.lorastream.model.adapter.AdapterSigner;
import io.lorastream.model.adapter.AdapterVerification;
import io.lorastream.model.adapter.AdapterVerifier;
import io.lorastream.model.eval.BeirDataset;
import io.lorastream.model.eval.EmbeddingMatrix;
import io.lorastream.model.eval.ProgressListener;
import io.lorastream.model.lora.AdapterWeights;
import io.lorastream.model.runtime.DeviceSetting;
import io.lorastream.model.runtime.Precision;
import io.lorastream.schemas.PairIds;
import io.lorastream.schemas.PairKind;
import io.lorastream.schemas.TopicNames;
import io.lorastream.schemas.TrainingPair;
import io.lorastream.trainer.checkpoint.AdapterCheckpoint;
import io.lorastream.trainer.gate.AdapterEvaluation;
import io.lorastream.trainer.gate.GateDecision;
import io.lorastream.trainer.gate.HeldOutSlice;
import io.lorastream.trainer.step.TrainerModel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer on SciFact with all-MiniLM-L6-v2, through a real broker. Feedback is simulated from
 * the train split only: the base model shows its top 10 for each train query and the user clicks
 * the relevant ones (hard negatives: the non-relevant ones shown above). Quality is measured on the
 * test split, which the trainer never sees; the gate uses the held-out slice of the feedback. Base
 * figure: nDCG@10 0.6451 (sentence-transformers' evaluator). That a real improvement gets through
 * the gate is shown on the simulated loop, {@code GateOnSciFactLoopIT}: these fixed clicks on the
 * base's top 10 teach too little for the gate to see on 100+ held-out queries.
 */
class SciFactTrainerIT {

  static final double BASE_NDCG = 0.6451;
  static final String TENANT = "scifact-users";

  @TempDir static Path dir;
  static KafkaCluster kafka;
  static KeyPair keys;
  static Path privateKey;
  static TrainerModel model;
  static BeirDataset scifact;
  static EmbeddingMatrix corpus;
  static List<TrainingPair> clicks;

  @BeforeAll
  static void start() throws Exception {
    kafka = TestKafka.start();
    keys = AdapterKeys.generate();
    privateKey = dir.resolve(AdapterKeys.PRIVATE_KEY_FILE);
    AdapterKeys.writePrivateKey(privateKey, keys.getPrivate(), false);
    model = TrainerModel.load("default", DeviceSetting.CPU, Precision.FP32, 50_000);
    scifact = BeirDataset.load(Path.of(System.getProperty("lorastream.datasets"), "scifact"));
    corpus =
        AdapterEvaluation.baseCorpus(
            model, scifact, 256, ProgressListener.NONE); // cached after the first run
    clicks =
        SimulatedClicks.pairs(
            scifact,
            "train",
            corpus,
            EncoderEmbedder.symmetric(model.encoder(), model.tokenizer(256)),
            10,
            4,
            "scifact",
            TENANT,
            Instant.parse("2025-01-01T00:00:00Z"));
    // query mode keeps documents at their base embeddings: a deployment has them in its index
    // already
    for (int i = 0; i < corpus.size(); i++) {
      model
          .documents(256)
          .put(SimulatedClicks.passage(scifact, corpus.ids().get(i)), corpus.row(i));
      model
          .corpus(256)
          .put(
              corpus.ids().get(i),
              corpus.row(i)); // the gate ranks every indexed document, as in the demo
    }
  }

  @AfterAll
  static void stop() {
    if (model != null) {
      model.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  static Map<String, String> settings(String prefix) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("bootstrap", kafka.bootstrapServers());
    m.put("topic-prefix", prefix);
    m.put("group-id", prefix + "trainers");
    m.put("instance-id", prefix + "trainer");
    m.put("device", "cpu");
    m.put("signing-key", privateKey.toString());
    m.put("metrics-port", "-1");
    m.put("partitions", "1");
    return m;
  }

  /** Runs a trainer until {@code done} holds for its checkpoint. */
  static List<Gate> train(
      Map<String, String> keys,
      TopicNames names,
      List<TrainingPair> pairs,
      Duration timeout,
      java.util.function.Predicate<AdapterCheckpoint> done)
      throws Exception {
    List<Gate> gates = new CopyOnWriteArrayList<>();
    ContinualTrainer trainer =
        new ContinualTrainer(
            TrainerConfigFiles.fromMap(keys),
            model,
            AdapterSigner.fromFile(privateKey),
            new SimpleMeterRegistry(),
            new TrainerListener() {
              @Override
              public void gateDecided(String adapter, long step, GateDecision d) {
                gates.add(
                    new Gate(
                        step, d.candidate(), d.published(), d.accepted(), d.vsBase().lowerBound()));
              }

              @Override
              public void stepTaken(
                  String adapter, long step, double loss, int newPairs, int replayed) {
                if (!Double.isFinite(loss)) {
                  System.out.println("non-finite loss at step " + step);
                }
              }
            });
    Throwable[] failure = new Throwable[1];
    Thread t =
        new Thread(
            () -> {
              try {
                trainer.run();
              } catch (Throwable e) {
                failure[0] = e;
              }
            });
    t.start();
    try {
      KafkaTopics.produce(kafka.bootstrapServers(), names.trainingPairs(), pairs);
      ContinualTrainerIT.await(
          "training on " + pairs.size() + " pairs",
          timeout,
          () -> {
            if (failure[0] != null) {
              throw new AssertionError("the trainer failed", failure[0]);
            }
            AdapterCheckpoint c = last(names);
            return c != null && done.test(c);
          });
    } finally {
      trainer.stop();
      assertThat(trainer.awaitStopped(Duration.ofMinutes(5))).as("the trainer stopped").isTrue();
    }
    return gates;
  }

  record Gate(
      long step, double candidate, double published, boolean accepted, double lowerBoundOverBase) {}

  static AdapterCheckpoint last(TopicNames names) {
    AdapterCheckpoint c = null;
    for (ConsumerRecord<String, byte[]> r :
        KafkaTopics.readAll(kafka.bootstrapServers(), names.trainerCheckpoints())) {
      c = TestCheckpoints.decode(r, privateKey);
    }
    return c;
  }

  /** The published versions, verified as an embedding server does, in publication order. */
  static List<AdapterVerification.Accepted> versions(TopicNames names) {
    AdapterVerifier verifier =
        new AdapterVerifier(keys.getPublic(), model.baseId(), model.encoder().config());
    List<AdapterVerification.Accepted> out = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r :
        KafkaTopics.readAll(kafka.bootstrapServers(), names.adapters())) {
      AdapterVerification v = verifier.verify(r.key(), r.value());
      if (!(v instanceof AdapterVerification.Deleted)) {
        assertThat(v).as("record %s", r.key()).isInstanceOf(AdapterVerification.Accepted.class);
        out.add((AdapterVerification.Accepted) v);
      }
    }
    return out;
  }

  static double testNdcg(AdapterWeights adapter) {
    return AdapterEvaluation.evaluate(
            model,
            adapter,
            io.lorastream.model.adapter.AdaptationMode.QUERY,
            scifact,
            "test",
            256,
            corpus,
            ProgressListener.NONE)
        .ndcgAt10();
  }

  static long trainable(List<TrainingPair> pairs) {
    return pairs.stream().filter(p -> !HeldOutSlice.isHeldOut(p.tenant(), p.anchor(), 0.1)).count();
  }

  @Test
  void poisonedFeedbackIsRejectedByTheGateAndNoWorseVersionIsPublished() throws Exception {
    TopicNames names = new TopicNames("gate.");
    List<TrainingPair> clean = clicks.subList(0, 320);
    long cleanPairs = trainable(clean);
    Map<String, String> open = settings("gate.");
    open.put("adapter-defaults.gate-tolerance", "inf"); // a first version to poison, whatever it is
    open.put("adapter-defaults.gate-min-queries", "1");
    train(
        open,
        names,
        clean,
        Duration.ofMinutes(20),
        c ->
            c.ledger().pairs() == cleanPairs
                && c.stepsAtLastGate() == c.training().step()
                && c.publishedVersion() > 0);
    long poisonFrom = last(names).training().step();
    Map<String, String> keys = settings("gate.");
    keys.put(
        "commit-every-steps",
        "10"); // a gate decision every 10 poisoned steps (80 new pairs), not every 2 s
    keys.put("commit-interval", "10m");
    keys.put(
        "adapter-defaults.gate-min-queries",
        "20"); // the held-out slice of 320 clean pairs holds about 30 queries
    List<AdapterVerification.Accepted> before = versions(names);
    AdapterVerification.Accepted good = before.get(before.size() - 1);
    double goodTest = testNdcg(good.weights());

    // the same queries with random documents as positives: training pairs gone bad (a broken or
    // hostile producer).
    // Only queries the trainer trains on: the held-out slice keeps judging on clean feedback, and
    // the gate must see
    // on it that the candidates got worse. (Feedback poisoned in the held-out slice as well is
    // indistinguishable,
    // for any feedback-judged gate, from users whose preferences changed.)
    Random random = new Random(7);
    List<String> ids = corpus.ids();
    List<TrainingPair> poison = new ArrayList<>();
    for (TrainingPair p :
        clean.stream()
            .filter(q -> !HeldOutSlice.isHeldOut(q.tenant(), q.anchor(), 0.1))
            .limit(240)
            .toList()) {
      String doc = ids.get(random.nextInt(ids.size()));
      List<String> sources = List.of("poison-" + p.pairId());
      poison.add(
          new TrainingPair(
              p.schemaVersion(),
              PairIds.of(PairKind.CLICK, sources, doc, List.of()),
              PairKind.CLICK,
              p.adapter(),
              p.tenant(),
              p.anchor(),
              SimulatedClicks.passage(scifact, doc),
              doc,
              List.of(),
              List.of(),
              1.0,
              null,
              sources,
              p.eventTime(),
              p.queryId(),
              p.impressionId(),
              p.shownDocIds()));
    }
    List<Gate> gates =
        train(
            keys,
            names,
            poison,
            Duration.ofMinutes(20),
            c ->
                c.training().step() >= poisonFrom + 20
                    && c.stepsAtLastGate() == c.training().step());
    List<AdapterVerification.Accepted> after = versions(names);
    AdapterVerification.Accepted last = after.get(after.size() - 1);
    double lastTest = testNdcg(last.weights());
    System.out.printf(
        "gate under poison: %s; published before %s (test nDCG@10 %.4f), after %s (%.4f)%n",
        gates, good.record().manifest().key(), goodTest, last.record().manifest().key(), lastTest);

    assertThat(gates).isNotEmpty();
    assertThat(gates.stream().filter(g -> !g.accepted()).count())
        .as("rejected candidates")
        .isPositive();
    for (Gate g : gates) {
      if (g.accepted()) {
        assertThat(g.lowerBoundOverBase()).isGreaterThan(GateSettings.DEFAULTS.minGain());
      }
    }
    assertThat(lastTest)
        .as("test nDCG@10 of the last published version")
        .isGreaterThanOrEqualTo(goodTest - 0.005);
  }
}
