package io.lorastream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.kafka.KafkaCluster;
import io.lorastream.kafka.TestKafka;
import io.lorastream.model.adapter.AdapterKeys;
import io.lorastream.model.adapter.AdapterManifest;
import io.lorastream.model.adapter.AdapterVerification;
import io.lorastream.model.adapter.AdapterVerifier;
import io.lorastream.model.lora.AdapterWeights;
import io.lorastream.model.lora.LoraPairWeights;
import io.lorastream.model.runtime.DeviceSetting;
import io.lorastream.model.runtime.Precision;
import io.lorastream.model.tensor.FloatTensor;
import io.lorastream.model.train.TrainingState;
import io.lorastream.schemas.DeadLetter;
import io.lorastream.schemas.DeadLetterReason;
import io.lorastream.schemas.EventCodecs;
import io.lorastream.schemas.TextLimits;
import io.lorastream.schemas.TopicNames;
import io.lorastream.schemas.TrainingPair;
import io.lorastream.trainer.checkpoint.AdapterCheckpoint;
import io.lorastream.trainer.checkpoint.CheckpointCodec;
import io.lorastream.trainer.checkpoint.CheckpointMac;
import io.lorastream.trainer.checkpoint.CheckpointRefused;
import io.lorastream.trainer.gate.HeldOutSlice;
import io.lorastream.trainer.pairs.PairLedger;
import io.lorastream.trainer.step.TrainerModel;
import io.micrometer.core.instrument.Gauge;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input on the real broker with a tiny base: poison pairs go to the dead-letter topic with
 * their reason and the trainer trains the good ones after them; a junk or forged checkpoint is
 * refused and the adapter falls back to its older checkpoint or its published version, and nothing
 * a forged one holds is ever published; a flood of pairs keeps each adapter's pending pairs under
 * max-pending-pairs by pausing the partition, and every pair is still trained once.
 */
class HostileInputIT {

  @TempDir static Path dir;
  static KafkaCluster kafka;
  static KeyPair keys;
  static Path privateKey;
  static TrainerModel model;

  @BeforeAll
  static void start() throws Exception {
    kafka = TestKafka.start();
    keys = AdapterKeys.generate();
    privateKey = dir.resolve(AdapterKeys.PRIVATE_KEY_FILE);
    AdapterKeys.writePrivateKey(privateKey, keys.getPrivate(), false);
    model =
        TrainerModel.load(
            TinyBase.folder(dir.resolve("tiny")).toString(),
            DeviceSetting.CPU,
            Precision.FP32,
            1000);
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
    m.put("base-model", dir.resolve("tiny").toString());
    m.put("device", "cpu");
    m.put("signing-key", privateKey.toString());
    m.put("metrics-port", "-1");
    m.put("partitions", "1");
    m.put("commit-every-steps", "3");
    m.put("commit-interval", "300ms");
    m.put("batch-max-wait", "300ms");
    m.put("holdout-fraction", "0.25");
    m.put("adapter-defaults.lora-r", "2");
    m.put("adapter-defaults.batch-size", "4");
    m.put("adapter-defaults.max-seq-length", "24");
    m.put("max-text-chars", "1536"); // the default (100,000) would need a larger poison
    m.put("adapter-defaults.lr", "1e-2");
    m.put("adapter-defaults.gate-min-queries", "2");
    m.put("adapter-defaults.gate-tolerance", "inf"); // a random tiny base has no quality to guard
    return m;
  }

  private static List<TrainingPair> trainable(List<TrainingPair> pairs) {
    return pairs.stream()
        .filter(p -> !HeldOutSlice.isHeldOut(p.tenant(), p.anchor(), 0.25))
        .toList();
  }

  private static PairLedger ledgerOf(List<TrainingPair> pairs) {
    return PairLedger.of(trainable(pairs).stream().map(TrainingPair::pairId).toList());
  }

  /** The newest checkpoint record of {@code adapter}, decoded with the trainer's derived key. */
  private static AdapterCheckpoint checkpoint(TopicNames names, String adapter) {
    AdapterCheckpoint last = null;
    for (ConsumerRecord<String, byte[]> r :
        KafkaTopics.readAll(kafka.bootstrapServers(), names.trainerCheckpoints())) {
      if (r.key().equals(adapter)) {
        try {
          last = TestCheckpoints.decode(r, privateKey);
        } catch (CheckpointRefused e) {
          last = null; // junk or forged: not the trainer's
        }
      }
    }
    return last;
  }

  private static List<AdapterManifest> versions(TopicNames names, List<AdapterWeights> weights) {
    AdapterVerifier verifier =
        new AdapterVerifier(keys.getPublic(), model.baseId(), model.encoder().config());
    List<AdapterManifest> out = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r :
        KafkaTopics.readAll(kafka.bootstrapServers(), names.adapters())) {
      if (verifier.verify(r.key(), r.value()) instanceof AdapterVerification.Accepted a) {
        out.add(a.record().manifest());
        if (weights != null) {
          weights.add(a.weights());
        }
      }
    }
    return out;
  }

  private static TrainingPair withWeight(TrainingPair p, double weight) {
    return new TrainingPair(
        p.schemaVersion(),
        p.pairId(),
        p.kind(),
        p.adapter(),
        p.tenant(),
        p.anchor(),
        p.positive(),
        p.positiveDocId(),
        p.negatives(),
        p.negativeDocIds(),
        weight,
        p.label(),
        p.sourceEventIds(),
        p.eventTime(),
        p.queryId(),
        p.impressionId(),
        p.shownDocIds());
  }

  private static TrainingPair withPositive(TrainingPair p, String positive) {
    return new TrainingPair(
        p.schemaVersion(),
        p.pairId(),
        p.kind(),
        p.adapter(),
        p.tenant(),
        p.anchor(),
        positive,
        p.positiveDocId(),
        p.negatives(),
        p.negativeDocIds(),
        p.weight(),
        p.label(),
        p.sourceEventIds(),
        p.eventTime(),
        p.queryId(),
        p.impressionId(),
        p.shownDocIds());
  }

  @Test
  void poisonPairsAreDeadLetteredWithTheirReasonAndTheGoodPairsAfterThemArePublished()
      throws Exception {
    TopicNames names = new TopicNames("hi1.");
    var codec = EventCodecs.create(TextLimits.DEFAULTS).trainingPairs();
    Map<DeadLetterReason, byte[]> poison = new LinkedHashMap<>();
    poison.put(
        DeadLetterReason.OUT_OF_RANGE, codec.encode(withWeight(Pairs.click("p", 100), 1e39)));
    poison.put(
        DeadLetterReason.EMPTY_TEXT, codec.encode(withPositive(Pairs.click("p", 101), "   ")));
    poison.put(
        DeadLetterReason.TEXT_TOO_LONG,
        codec.encode(withPositive(Pairs.click("p", 102), "long ".repeat(400))));
    poison.put(
        DeadLetterReason.UNPARSEABLE_JSON,
        "{\"pair_id\": not json".getBytes(StandardCharsets.UTF_8));
    assertThat(new String(poison.get(DeadLetterReason.OUT_OF_RANGE), StandardCharsets.UTF_8))
        .contains("\"weight\":1.0E39");
    List<TrainingPair> good = Pairs.stream("p", 24);
    try (InProcessTrainer r = new InProcessTrainer(settings("hi1."), model, privateKey)) {
      TrainerTopics.ensure(
          kafka.bootstrapServers(),
          TrainerTopics.specs(TrainerConfigFiles.fromMap(settings("hi1."))),
          Duration.ofSeconds(30));
      List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
      poison
          .values()
          .forEach(v -> records.add(new ProducerRecord<>(names.trainingPairs(), "p", v)));
      @SuppressWarnings("unchecked")
      ProducerRecord<String, byte[]>[] array = records.toArray(new ProducerRecord[0]);
      KafkaTopics.send(kafka.bootstrapServers(), array);
      KafkaTopics.produce(kafka.bootstrapServers(), names.trainingPairs(), good);
      r.await(
          "the good pairs trained and a version published",
          Duration.ofMinutes(3),
          () -> {
            AdapterCheckpoint c = checkpoint(names, "p");
            return c != null
                && c.ledger().equals(ledgerOf(good))
                && c.publishedVersion() > 0
                && c.stepsAtLastGate() == c.training().step()
                && KafkaTopics.readAll(kafka.bootstrapServers(), names.deadLetters()).size()
                    == poison.size();
          });
      for (DeadLetterReason reason : poison.keySet()) {
        assertThat(r.count("lorastream.trainer.dead.letters", "reason", reason.wireName()))
            .as(reason.wireName())
            .isEqualTo(1);
      }
    }
    Map<Long, byte[]> sourceValues = new TreeMap<>();
    KafkaTopics.readAll(kafka.bootstrapServers(), names.trainingPairs())
        .forEach(rec -> sourceValues.put(rec.offset(), rec.value()));
    List<ConsumerRecord<String, byte[]>> letters =
        KafkaTopics.readAll(kafka.bootstrapServers(), names.deadLetters());
    assertThat(letters).hasSize(poison.size());
    for (ConsumerRecord<String, byte[]> letter : letters) {
      DeadLetter d = DeadLetter.fromHeaders(letter.headers());
      assertThat(poison).containsKey(d.reason());
      assertThat(letter.value()).as(d.reason().wireName()).isEqualTo(poison.get(d.reason()));
      assertThat(letter.key()).isEqualTo("p");
      assertThat(d.sourceTopic()).isEqualTo(names.trainingPairs());
      assertThat(d.sourcePartition()).isZero();
      assertThat(sourceValues.get(d.sourceOffset())).isEqualTo(poison.get(d.reason()));
      assertThat(d.message()).isNotBlank();
    }
    Map<DeadLetterReason, String> messages = new TreeMap<>();
    letters.forEach(
        l ->
            messages.put(
                DeadLetter.fromHeaders(l.headers()).reason(),
                DeadLetter.fromHeaders(l.headers()).message()));
    assertThat(messages.get(DeadLetterReason.OUT_OF_RANGE))
        .contains("weight 1.0E39 is Infinity as a float");
    assertThat(messages.get(DeadLetterReason.TEXT_TOO_LONG))
        .contains("2000 chars, over the limit of 1536");
    assertThat(messages.get(DeadLetterReason.EMPTY_TEXT)).contains("positive is empty");
    List<AdapterManifest> published = versions(names, null);
    assertThat(published).isNotEmpty();
    assertThat(published.get(published.size() - 1).pairsSeen()).isEqualTo(trainable(good).size());
  }

  @Test
  void junkUnderAnAdaptersCheckpointKeyIsRefusedAndTheAdapterGoesOnFromItsOlderCheckpoint()
      throws Exception {
    TopicNames names = new TopicNames("hi2.");
    List<TrainingPair> first = Pairs.stream("junky", 24);
    try (InProcessTrainer r = new InProcessTrainer(settings("hi2."), model, privateKey)) {
      KafkaTopics.produce(kafka.bootstrapServers(), names.trainingPairs(), first);
      r.await(
          "the first pairs trained and published",
          Duration.ofMinutes(3),
          () -> {
            AdapterCheckpoint c = checkpoint(names, "junky");
            return c != null
                && c.ledger().equals(ledgerOf(first))
                && c.publishedVersion() > 0
                && c.stepsAtLastGate() == c.training().step();
          });
    }
    int lastVersion = checkpoint(names, "junky").publishedVersion();
    KafkaTopics.send(
        kafka.bootstrapServers(),
        new ProducerRecord<>(
            names.trainerCheckpoints(),
            0,
            "junky",
            "this is not a checkpoint".getBytes(StandardCharsets.UTF_8)));

    List<TrainingPair> all = new ArrayList<>(first);
    for (int i = 24; i < 40; i++) {
      all.add(Pairs.click("junky", i));
    }
    try (InProcessTrainer r = new InProcessTrainer(settings("hi2."), model, privateKey)) {
      KafkaTopics.produce(kafka.bootstrapServers(), names.trainingPairs(), all.subList(24, 40));
      r.await(
          "the new pairs trained from the older checkpoint and a version published",
          Duration.ofMinutes(3),
          () -> {
            AdapterCheckpoint c = checkpoint(names, "junky");
            return c != null && c.ledger().equals(ledgerOf(all)) && !r.published.isEmpty();
          });
      assertThat(r.count("lorastream.trainer.checkpoints.refused", "reason", "not_a_checkpoint"))
          .isEqualTo(1);
      assertThat(r.count("lorastream.trainer.checkpoint.fallbacks", "to", "older_checkpoint"))
          .isEqualTo(1);
      assertThat(r.published.get(0).version()).isEqualTo(lastVersion + 1);
    }
  }

  /** {@code w} with every factor set to {@code value}: the attacker's chosen weights. */
  private static AdapterWeights chosen(AdapterWeights w, float value) {
    TreeMap<io.lorastream.model.lora.LoraKey, LoraPairWeights> pairs = new TreeMap<>();
    w.pairs()
        .forEach(
            (k, p) ->
                pairs.put(k, new LoraPairWeights(filled(p.a(), value), filled(p.b(), value))));
    return new AdapterWeights(w.config(), pairs);
  }

  private static FloatTensor filled(FloatTensor t, float value) {
    float[] d = new float[t.data().length];
    Arrays.fill(d, value);
    return new FloatTensor(t.shape(), d);
  }

  private static float maxAbs(AdapterWeights w) {
    float max = 0;
    for (LoraPairWeights p : w.pairs().values()) {
      for (float v : p.a().data()) {
        max = Math.max(max, Math.abs(v));
      }
      for (float v : p.b().data()) {
        max = Math.max(max, Math.abs(v));
      }
    }
    return max;
  }

  @Test
  void
      aForgedCheckpointIsRefusedAndNothingItHoldsIsPublishedAndANewKeyFallsBackToThePublishedVersion()
          throws Exception {
    TopicNames names = new TopicNames("hi3.");
    List<TrainingPair> all = Pairs.stream("forged", 60);
    try (InProcessTrainer r = new InProcessTrainer(settings("hi3."), model, privateKey)) {
      KafkaTopics.produce(kafka.bootstrapServers(), names.trainingPairs(), all.subList(0, 24));
      r.await(
          "the first pairs trained and published",
          Duration.ofMinutes(3),
          () -> {
            AdapterCheckpoint c = checkpoint(names, "forged");
            return c != null
                && c.ledger().equals(ledgerOf(all.subList(0, 24)))
                && c.publishedVersion() > 0
                && c.stepsAtLastGate() == c.training().step();
          });
    }
    // a well-formed checkpoint with chosen weights (7.0 everywhere), MACed with a key that is not
    // the trainers'
    AdapterCheckpoint real = checkpoint(names, "forged");
    AdapterWeights evil = chosen(real.training().adapter(), 7.0f);
    TrainingState t = real.training();
    AdapterCheckpoint forged =
        new AdapterCheckpoint(
            real.adapter(),
            real.inputTopic(),
            real.inputPartition(),
            real.inputOffset(),
            new TrainingState(evil, t.optimizer(), t.seed(), t.lossScale()),
            real.randomState(),
            real.pending(),
            real.pendingSinceMs(),
            real.replay(),
            real.replayOffered(),
            real.ledger(),
            real.pairsReplayed(),
            real.counters(),
            real.heldOutQueries(),
            real.pool(),
            real.knownPositives(),
            real.publishedVersion(),
            evil,
            real.newestUnpublishedEventMs(),
            0,
            evil);
    CheckpointMac attacker =
        CheckpointMac.of(
            "the attacker's own key, long enough!".getBytes(StandardCharsets.UTF_8), "x");
    KafkaTopics.send(
        kafka.bootstrapServers(),
        new ProducerRecord<>(
            names.trainerCheckpoints(), 0, "forged", CheckpointCodec.encode(forged, attacker)));

    try (InProcessTrainer r = new InProcessTrainer(settings("hi3."), model, privateKey)) {
      KafkaTopics.produce(kafka.bootstrapServers(), names.trainingPairs(), all.subList(24, 36));
      r.await(
          "the new pairs trained from the real checkpoint and published",
          Duration.ofMinutes(3),
          () -> {
            AdapterCheckpoint c = checkpoint(names, "forged");
            return c != null
                && c.ledger().equals(ledgerOf(all.subList(0, 36)))
                && !r.published.isEmpty()
                && c.stepsAtLastGate() == c.training().step();
          });
      assertThat(r.count("lorastream.trainer.checkpoints.refused", "reason", "not_authentic"))
          .isEqualTo(1);
      assertThat(r.count("lorastream.trainer.checkpoint.fallbacks", "to", "older_checkpoint"))
          .isEqualTo(1);
    }
    int secondLast = checkpoint(names, "forged").publishedVersion();
    List<AdapterWeights> weights = new ArrayList<>();
    versions(names, weights);
    assertThat(weights).isNotEmpty().allSatisfy(w -> assertThat(maxAbs(w)).isLessThan(3.0f));

    // a trainer with another checkpoint key finds no authentic checkpoint: it goes on from the
    // published version
    Path otherKey = dir.resolve("other-checkpoint.key");
    Files.writeString(otherKey, "a different checkpoint key of 32+ bytes");
    Map<String, String> rotated = settings("hi3.");
    rotated.put("checkpoint-key", otherKey.toString());
    try (InProcessTrainer r = new InProcessTrainer(rotated, model, privateKey)) {
      KafkaTopics.produce(kafka.bootstrapServers(), names.trainingPairs(), all.subList(36, 60));
      r.await(
          "the last pairs trained from the published version and published",
          Duration.ofMinutes(3),
          () ->
              !r.published.isEmpty()
                  && r.published.get(r.published.size() - 1).pairsSeen()
                      == trainable(all.subList(36, 60)).size());
      assertThat(r.count("lorastream.trainer.checkpoints.refused", "reason", "not_authentic"))
          .isEqualTo(1);
      assertThat(r.count("lorastream.trainer.checkpoint.fallbacks", "to", "published_version"))
          .isEqualTo(1);
      assertThat(r.published.get(0).version()).isEqualTo(secondLast + 1);
    }
    List<AdapterWeights> after = new ArrayList<>();
    versions(names, after);
    assertThat(after).allSatisfy(w -> assertThat(maxAbs(w)).isLessThan(3.0f));
  }

  @Test
  void aFloodOfPairsPausesThePartitionAtTheBoundAndEveryPairIsStillTrainedOnce() throws Exception {
    TopicNames names = new TopicNames("hi4.");
    Map<String, String> s = settings("hi4.");
    s.put("max-pending-pairs", "6"); // 2 new pairs per step (batch 4, half replayed)
    s.put("commit-every-steps", "10");
    List<TrainingPair> flood = Pairs.stream("flood", 240);
    TrainerTopics.ensure(
        kafka.bootstrapServers(),
        TrainerTopics.specs(TrainerConfigFiles.fromMap(s)),
        Duration.ofSeconds(30));
    KafkaTopics.produce(kafka.bootstrapServers(), names.trainingPairs(), flood);
    double[] maxPending = {0};
    try (InProcessTrainer r = new InProcessTrainer(s, model, privateKey)) {
      r.await(
          "every pair of the flood trained",
          Duration.ofMinutes(4),
          () -> {
            Gauge g =
                r.registry.find("lorastream.trainer.pending.pairs").tag("adapter", "flood").gauge();
            if (g != null) {
              maxPending[0] = Math.max(maxPending[0], g.value());
            }
            AdapterCheckpoint c = checkpoint(names, "flood");
            return c != null && c.ledger().equals(ledgerOf(flood));
          });
      List<InProcessTrainer.BackPressure> events = List.copyOf(r.backPressure);
      assertThat(events)
          .filteredOn(InProcessTrainer.BackPressure::paused)
          .isNotEmpty()
          .allSatisfy(e -> assertThat(e.pending()).isEqualTo(6));
      assertThat(events)
          .filteredOn(e -> !e.paused())
          .isNotEmpty()
          .allSatisfy(e -> assertThat(e.pending()).isLessThanOrEqualTo(3));
      assertThat(r.count("lorastream.trainer.consumer.pauses")).isGreaterThanOrEqualTo(2);
      assertThat(r.count("lorastream.trainer.consumer.resumes")).isGreaterThanOrEqualTo(1);
    }
    assertThat(maxPending[0]).isLessThanOrEqualTo(6);
    // every checkpoint ever committed held at most 6 pending pairs
    for (ConsumerRecord<String, byte[]> rec :
        KafkaTopics.readAll(kafka.bootstrapServers(), names.trainerCheckpoints())) {
      assertThat(TestCheckpoints.decode(rec, privateKey).pending()).hasSizeLessThanOrEqualTo(6);
    }
    AdapterCheckpoint last = checkpoint(names, "flood");
    assertThat(last.ledger()).isEqualTo(ledgerOf(flood));
    assertThat(last.ledger().pairs()).isEqualTo(trainable(flood).size());
  }
}
