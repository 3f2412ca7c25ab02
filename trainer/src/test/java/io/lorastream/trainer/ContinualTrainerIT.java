package io.lorastream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.kafka.KafkaCluster;
import io.lorastream.kafka.TestKafka;
import io.lorastream.model.adapter.AdapterKey;
import io.lorastream.model.adapter.AdapterKeys;
import io.lorastream.model.adapter.AdapterManifest;
import io.lorastream.model.adapter.AdapterSigner;
import io.lorastream.model.adapter.AdapterVerification;
import io.lorastream.model.adapter.AdapterVerifier;
import io.lorastream.model.runtime.DeviceSetting;
import io.lorastream.model.runtime.Precision;
import io.lorastream.schemas.TopicNames;
import io.lorastream.schemas.TopicSpec;
import io.lorastream.schemas.TrainingPair;
import io.lorastream.trainer.checkpoint.AdapterCheckpoint;
import io.lorastream.trainer.gate.HeldOutSlice;
import io.lorastream.trainer.pairs.PairLedger;
import io.lorastream.trainer.step.TrainerModel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer against a real broker with a tiny base: publication, verification, tombstones,
 * restarts, size limits.
 */
class ContinualTrainerIT {

  @TempDir static Path dir;
  static KafkaCluster kafka;
  static KeyPair keys;
  static Path privateKey;
  static Path tinyBase;
  static TrainerModel model;

  @BeforeAll
  static void start() throws Exception {
    kafka = TestKafka.start();
    keys = AdapterKeys.generate();
    privateKey = dir.resolve(AdapterKeys.PRIVATE_KEY_FILE);
    AdapterKeys.writePrivateKey(privateKey, keys.getPrivate(), false);
    tinyBase = TinyBase.folder(dir.resolve("tiny"));
    model = TrainerModel.load(tinyBase.toString(), DeviceSetting.CPU, Precision.FP32, 1000);
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

  static Map<String, String> settings(String prefix, String instance) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("bootstrap", kafka.bootstrapServers());
    m.put("topic-prefix", prefix);
    m.put("group-id", prefix + "trainers");
    m.put("instance-id", instance);
    m.put("base-model", tinyBase.toString());
    m.put("device", "cpu");
    m.put("signing-key", privateKey.toString());
    m.put("metrics-port", "-1");
    m.put("partitions", "2");
    m.put("commit-every-steps", "3");
    m.put("commit-interval", "500ms");
    m.put("batch-max-wait", "300ms");
    m.put("keep-versions", "2");
    m.put("holdout-fraction", "0.25");
    m.put("adapter-defaults.lora-r", "2");
    m.put("adapter-defaults.batch-size", "4");
    m.put("adapter-defaults.max-seq-length", "24");
    m.put("adapter-defaults.lr", "1e-2");
    m.put("adapter-defaults.gate-min-queries", "2");
    m.put("adapter-defaults.gate-tolerance", "inf"); // a random tiny base has no quality to guard
    return m;
  }

  /** A trainer running on its own thread, with what it reported. */
  static final class Running implements AutoCloseable {
    final ContinualTrainer trainer;
    final Thread thread;
    final List<AdapterManifest> published = new CopyOnWriteArrayList<>();
    final List<String> refusals = new CopyOnWriteArrayList<>();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    volatile Throwable failure;

    Running(Map<String, String> keys) throws Exception {
      trainer =
          new ContinualTrainer(
              TrainerConfigFiles.fromMap(keys),
              model,
              AdapterSigner.fromFile(privateKey),
              registry,
              new TrainerListener() {
                @Override
                public void committed(List<AdapterManifest> p, int checkpoints) {
                  published.addAll(p);
                }

                @Override
                public void refused(String adapter, String message) {
                  refusals.add(message);
                }
              });
      thread =
          new Thread(
              () -> {
                try {
                  trainer.run();
                } catch (Throwable t) {
                  failure = t;
                }
              });
      thread.start();
    }

    /** Waits for {@code done}, failing at once if the trainer died. */
    void await(String what, Duration timeout, BooleanSupplier done) throws InterruptedException {
      ContinualTrainerIT.await(
          what,
          timeout,
          () -> {
            if (failure != null) {
              throw new AssertionError("the trainer failed while waiting for " + what, failure);
            }
            return done.getAsBoolean();
          });
    }

    @Override
    public void close() throws Exception {
      trainer.stop();
      assertThat(trainer.awaitStopped(Duration.ofSeconds(60))).isTrue();
    }
  }

  static void await(String what, Duration timeout, BooleanSupplier done)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  static Map<String, AdapterCheckpoint> checkpoints(TopicNames names) {
    Map<String, AdapterCheckpoint> out = new HashMap<>();
    for (ConsumerRecord<String, byte[]> r :
        KafkaTopics.readAll(kafka.bootstrapServers(), names.trainerCheckpoints())) {
      out.put(r.key(), TestCheckpoints.decode(r, privateKey));
    }
    return out;
  }

  static long trainable(List<TrainingPair> pairs) {
    return pairs.stream()
        .filter(p -> !HeldOutSlice.isHeldOut(p.tenant(), p.anchor(), 0.25))
        .count();
  }

  @Test
  void
      verifiedVersionsAreGatedPublishedInOrderAndOldOnesTombstonedThenARestartContinuesFromTheCheckpoint()
          throws Exception {
    TopicNames names = new TopicNames("it1.");
    List<TrainingPair> alpha = Pairs.stream("alpha", 40);
    List<TrainingPair> beta = Pairs.stream("beta", 24);
    try (Running r = new Running(settings("it1.", "trainer-1"))) {
      TrainerTopics.ensure(
          kafka.bootstrapServers(),
          TrainerTopics.specs(TrainerConfigFiles.fromMap(settings("it1.", "x"))),
          Duration.ofSeconds(30));
      KafkaTopics.produce(
          kafka.bootstrapServers(),
          names.trainingPairs(),
          Stream.concat(alpha.stream(), beta.stream()).toList());
      r.await(
          "both adapters' pairs trained and checkpointed",
          Duration.ofMinutes(3),
          () -> {
            Map<String, AdapterCheckpoint> c = checkpoints(names);
            return c.containsKey("alpha")
                && c.get("alpha").ledger().pairs() == trainable(alpha)
                && c.containsKey("beta")
                && c.get("beta").ledger().pairs() == trainable(beta);
          });
      assertThat(r.failure).isNull();
    }

    AdapterVerifier verifier =
        new AdapterVerifier(keys.getPublic(), model.baseId(), model.encoder().config());
    Map<String, List<Integer>> versions = new HashMap<>();
    Map<String, Integer> partitionOf = new HashMap<>();
    List<String> tombstones = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> rec :
        KafkaTopics.readAll(kafka.bootstrapServers(), names.adapters())) {
      AdapterVerification v = verifier.verify(rec.key(), rec.value());
      if (v instanceof AdapterVerification.Deleted d) {
        tombstones.add(d.key().toString());
        continue;
      }
      assertThat(v).as("record %s", rec.key()).isInstanceOf(AdapterVerification.Accepted.class);
      AdapterManifest m = ((AdapterVerification.Accepted) v).record().manifest();
      versions.computeIfAbsent(m.adapter(), a -> new ArrayList<>()).add(m.version());
      assertThat(partitionOf.computeIfAbsent(m.adapter(), a -> rec.partition()))
          .isEqualTo(rec.partition());
      assertThat(rec.partition()).isEqualTo(m.key().partition(2));
      assertThat(m.eval()).containsKeys("candidate_ndcg@10", "eval_queries");
      assertThat(m.inputOffsets()).hasSize(1);
    }
    for (var e : versions.entrySet()) {
      List<Integer> v = e.getValue();
      assertThat(v)
          .as("versions of %s", e.getKey())
          .isSorted()
          .doesNotHaveDuplicates()
          .startsWith(1);
      int last = v.get(v.size() - 1);
      for (int old = 1; old <= last - 2; old++) {
        assertThat(tombstones)
            .as("tombstone of %s version %d", e.getKey(), old)
            .contains(new AdapterKey(e.getKey(), old).toString());
      }
    }
    assertThat(versions).containsOnlyKeys("alpha", "beta");

    // a restart under the same instance id resumes: nothing is trained again, new pairs are trained
    // once
    AdapterCheckpoint before = checkpoints(names).get("alpha");
    List<TrainingPair> more = new ArrayList<>();
    for (int i = 40; i < 52; i++) {
      more.add(Pairs.click("alpha", i));
    }
    try (Running r = new Running(settings("it1.", "trainer-1"))) {
      KafkaTopics.produce(kafka.bootstrapServers(), names.trainingPairs(), more);
      List<TrainingPair> all = new ArrayList<>(alpha);
      all.addAll(more);
      r.await(
          "the new pairs trained",
          Duration.ofMinutes(2),
          () -> checkpoints(names).get("alpha").ledger().pairs() == trainable(all));
      AdapterCheckpoint after = checkpoints(names).get("alpha");
      assertThat(after.ledger())
          .isEqualTo(
              PairLedger.of(
                  all.stream()
                      .filter(p -> !HeldOutSlice.isHeldOut(p.tenant(), p.anchor(), 0.25))
                      .map(TrainingPair::pairId)
                      .toList()));
      assertThat(after.training().step()).isGreaterThan(before.training().step());
      assertThat(after.publishedVersion()).isGreaterThanOrEqualTo(before.publishedVersion());
      assertThat(r.failure).isNull();
    }
  }

  @Test
  void anAdapterVersionTooLargeForTheTopicIsRefusedWithTheSizesAndTrainingGoesOn()
      throws Exception {
    TopicNames names = new TopicNames("it2.");
    TrainerSettings s = TrainerConfigFiles.fromMap(settings("it2.", "trainer-2"));
    List<TopicSpec> specs = new ArrayList<>();
    for (TopicSpec spec : TrainerTopics.specs(s)) {
      Map<String, String> configs = new HashMap<>(spec.configs());
      if (spec.name().equals(names.adapters())) {
        configs.put("max.message.bytes", "3000"); // a tiny adapter's record is about 5 KB
      }
      specs.add(new TopicSpec(spec.name(), spec.partitions(), spec.replicationFactor(), configs));
    }
    TrainerTopics.ensure(kafka.bootstrapServers(), specs, Duration.ofSeconds(30));
    List<TrainingPair> pairs = Pairs.stream("gamma", 24);
    try (Running r = new Running(settings("it2.", "trainer-2"))) {
      KafkaTopics.produce(kafka.bootstrapServers(), names.trainingPairs(), pairs);
      r.await(
          "the pairs trained and a version refused",
          Duration.ofMinutes(2),
          () -> {
            AdapterCheckpoint c = checkpoints(names).get("gamma");
            return c != null && c.ledger().pairs() == trainable(pairs) && !r.refusals.isEmpty();
          });
      assertThat(r.failure).isNull();
      assertThat(r.refusals.get(0))
          .contains("adapter version gamma@000001 is")
          .contains("limited to 3000 bytes")
          .contains("max-record-bytes")
          .contains("max.message.bytes")
          .contains("lora-r");
      assertThat(r.registry.find("lorastream.trainer.records.refused").counter().count())
          .isPositive();
      assertThat(r.published).isEmpty();
    }
    assertThat(KafkaTopics.readAll(kafka.bootstrapServers(), names.adapters())).isEmpty();
  }
}
