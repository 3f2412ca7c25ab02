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
import io.lorastream.schemas.TopicNames;
import io.lorastream.schemas.TrainingPair;
import io.lorastream.trainer.checkpoint.AdapterCheckpoint;
import io.lorastream.trainer.gate.HeldOutSlice;
import io.lorastream.trainer.pairs.BufferedPair;
import io.lorastream.trainer.pairs.PairLedger;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill the trainer hard (SIGKILL, {@code Process.destroyForcibly}) at random points, several times,
 * some of them with a transaction open on the broker, and restart it each time: the final adapter
 * must equal an uninterrupted run's and every pair must have been trained exactly once. A fixed
 * stream, a fixed seed, the CPU and batches bounded by size only make the two runs comparable; a
 * tiny base and short texts make it quick.
 */
class CrashRecoveryIT {

  private static final int PAIRS = 200;
  private static final String ADAPTER = "crashy";

  @TempDir static Path dir;
  static KafkaCluster kafka;
  static KeyPair keys;
  static Path privateKey;
  static Path tinyBase;
  static List<TrainingPair> stream;

  @BeforeAll
  static void start() throws Exception {
    kafka = TestKafka.start();
    keys = AdapterKeys.generate();
    privateKey = dir.resolve(AdapterKeys.PRIVATE_KEY_FILE);
    AdapterKeys.writePrivateKey(privateKey, keys.getPrivate(), false);
    tinyBase = TinyBase.folder(dir.resolve("tiny"));
    stream = Pairs.stream(ADAPTER, PAIRS);
  }

  @AfterAll
  static void stop() {
    if (kafka != null) {
      kafka.close();
    }
  }

  private static Path settingsFile(String prefix) throws Exception {
    Properties p = new Properties();
    p.putAll(
        Map.ofEntries(
            Map.entry("bootstrap", kafka.bootstrapServers()),
            Map.entry("topic-prefix", prefix),
            Map.entry("group-id", prefix + "trainers"),
            Map.entry("instance-id", prefix + "trainer"),
            Map.entry("base-model", tinyBase.toString()),
            Map.entry("device", "cpu"),
            Map.entry("signing-key", privateKey.toString()),
            Map.entry("metrics-port", "-1"),
            Map.entry("partitions", "1"),
            Map.entry("batch-max-wait", "0"), // batches bounded by size only: reproducible
            Map.entry("commit-every-steps", "3"),
            Map.entry("commit-interval", "300ms"),
            Map.entry("holdout-fraction", "0.1"),
            Map.entry("transaction-timeout", "20s"),
            Map.entry(
                "kafka.group.instance.id",
                prefix + "trainer"), // a restart takes its partitions back at once
            Map.entry("kafka.session.timeout.ms", "10000"),
            Map.entry("adapter-defaults.seed", "7"),
            Map.entry("adapter-defaults.lora-r", "2"),
            Map.entry("adapter-defaults.batch-size", "4"),
            Map.entry("adapter-defaults.replay-fraction", "0.5"),
            Map.entry("adapter-defaults.max-seq-length", "24"),
            Map.entry("adapter-defaults.lr", "1e-2"),
            Map.entry("adapter-defaults.gate-min-queries", "1"),
            Map.entry("adapter-defaults.gate-tolerance", "inf")));
    Path f = dir.resolve(prefix + "properties");
    try (Writer w = Files.newBufferedWriter(f)) {
      p.store(w, "crash test");
    }
    return f;
  }

  /** Pairs the trainer takes steps on: not held out. */
  private static List<TrainingPair> trainable() {
    return stream.stream()
        .filter(p -> !HeldOutSlice.isHeldOut(p.tenant(), p.anchor(), 0.1))
        .toList();
  }

  private static AdapterCheckpoint checkpoint(TopicNames names) {
    AdapterCheckpoint last = null;
    for (ConsumerRecord<String, byte[]> r :
        KafkaTopics.readAll(kafka.bootstrapServers(), names.trainerCheckpoints())) {
      last = TestCheckpoints.decode(r, privateKey);
    }
    return last;
  }

  /**
   * Runs a child until every full step of the stream is committed and published, then stops it with
   * SIGTERM.
   */
  private static void runToEnd(Path settings, TopicNames names, int round, long steps)
      throws Exception {
    TrainerChild c = new TrainerChild(settings, settings.getFileName() + "-" + round);
    try {
      ContinualTrainerIT.await(
          "all " + steps + " steps committed and published",
          Duration.ofMinutes(4),
          () -> {
            AdapterCheckpoint cp = checkpoint(names);
            return cp != null && cp.training().step() == steps && cp.stepsAtLastGate() == steps;
          });
    } finally {
      c.terminate();
    }
  }

  @Test
  void killedAtRandomPointsTheTrainerEndsWithTheUninterruptedAdapterAndTrainsEveryPairOnce()
      throws Exception {
    long trainable = trainable().size();
    long steps =
        trainable / 2; // 2 new pairs per step (batch 4, half replay); an odd pair stays pending
    TopicNames ref = new TopicNames("ref.");
    TopicNames crash = new TopicNames("crash.");
    Path refSettings = settingsFile("ref.");
    Path crashSettings = settingsFile("crash.");
    for (Path s : List.of(refSettings, crashSettings)) {
      TrainerSettings ts = TrainerConfigFiles.load(s);
      TrainerTopics.ensure(
          kafka.bootstrapServers(), TrainerTopics.specs(ts), Duration.ofSeconds(30));
      KafkaTopics.produce(kafka.bootstrapServers(), ts.topics().trainingPairs(), stream);
    }

    runToEnd(refSettings, ref, 0, steps);

    Random random = new Random(20241127);
    int kills = 0;
    int killsInTransaction = 0;
    for (int round = 1; round <= 6; round++) {
      AdapterCheckpoint before = checkpoint(crash);
      if (before != null && before.training().step() >= steps - 4) {
        break; // leave work for the last run
      }
      TrainerChild c = new TrainerChild(crashSettings, "crash-" + round);
      c.await("READY", 1, Duration.ofMinutes(2));
      String where;
      switch (round % 3) {
        case 1 -> {
          int n = 1 + random.nextInt(12);
          c.await("STEP", n, Duration.ofMinutes(2)); // mid-training
          where = "after " + n + " steps";
        }
        case 2 -> {
          int n = 1 + random.nextInt(3);
          c.await("PRECOMMIT", n, Duration.ofMinutes(2)); // records sent, transaction open
          killsInTransaction++;
          where = "inside transaction " + n;
        }
        default -> {
          int ms = random.nextInt(4000);
          Thread.sleep(ms); // anywhere, start-up and restore included
          where = ms + " ms after start";
        }
      }
      System.out.println(
          "round "
              + round
              + ": kill "
              + where
              + "; committed step before: "
              + (before == null ? 0 : before.training().step())
              + " of "
              + steps);
      c.kill();
      kills++;
    }
    runToEnd(crashSettings, crash, 99, steps);

    AdapterCheckpoint expected = checkpoint(ref);
    AdapterCheckpoint actual = checkpoint(crash);
    assertThat(kills).isGreaterThanOrEqualTo(4);
    assertThat(killsInTransaction).isGreaterThanOrEqualTo(1);
    assertThat(actual.training().step()).isEqualTo(steps);
    assertThat(maxAbsDiff(actual.training().adapter(), expected.training().adapter()))
        .isLessThanOrEqualTo(1e-6f);
    assertThat(actual.training())
        .isEqualTo(expected.training()); // in fact bit for bit, moments included

    // exactly once: the ledger counts and hashes every trainable pair once, except the one left
    // pending
    Set<String> pending =
        actual.pending().stream().map(BufferedPair::pairId).collect(Collectors.toSet());
    List<String> trained =
        trainable().stream().map(TrainingPair::pairId).filter(id -> !pending.contains(id)).toList();
    assertThat(trained).hasSize((int) (2 * steps));
    assertThat(actual.ledger()).isEqualTo(PairLedger.of(trained)).isEqualTo(expected.ledger());
    assertThat(actual.pending()).isEqualTo(expected.pending());
    assertThat(actual.counters()).isEqualTo(expected.counters());

    // the last published versions agree too, and every crash-run version verifies and counts pairs
    // monotonically
    AdapterManifest refLast = lastVersion(ref, null);
    List<AdapterManifest> crashVersions = new ArrayList<>();
    AdapterManifest crashLast = lastVersion(crash, crashVersions);
    assertThat(crashLast.steps()).isEqualTo(steps);
    assertThat(crashLast.pairsSeen()).isEqualTo(refLast.pairsSeen()).isEqualTo(trained.size());
    assertThat(crashLast.adapterSha256()).isEqualTo(refLast.adapterSha256());
    for (int i = 1; i < crashVersions.size(); i++) {
      assertThat(crashVersions.get(i).version()).isEqualTo(crashVersions.get(i - 1).version() + 1);
      assertThat(crashVersions.get(i).pairsSeen())
          .isGreaterThanOrEqualTo(crashVersions.get(i - 1).pairsSeen());
    }
  }

  private static AdapterManifest lastVersion(TopicNames names, List<AdapterManifest> all)
      throws Exception {
    AdapterVerifier verifier =
        new AdapterVerifier(
            keys.getPublic(),
            io.lorastream.model.weights.HuggingFaceFolder.load(tinyBase).id(),
            TinyBase.TINY);
    AdapterManifest last = null;
    for (ConsumerRecord<String, byte[]> r :
        KafkaTopics.readAll(kafka.bootstrapServers(), names.adapters())) {
      AdapterVerification v = verifier.verify(r.key(), r.value());
      if (v instanceof AdapterVerification.Deleted) {
        continue;
      }
      assertThat(v).isInstanceOf(AdapterVerification.Accepted.class);
      last = ((AdapterVerification.Accepted) v).record().manifest();
      if (all != null) {
        all.add(last);
      }
    }
    assertThat(last).as("a published version on " + names.adapters()).isNotNull();
    return last;
  }

  private static float maxAbsDiff(AdapterWeights a, AdapterWeights b) {
    float max = 0;
    for (var e : a.pairs().entrySet()) {
      LoraPairWeights o = b.pairs().get(e.getKey());
      max =
          Math.max(
              max,
              Math.max(e.getValue().a().maxAbsDiff(o.a()), e.getValue().b().maxAbsDiff(o.b())));
    }
    return max;
  }
}
