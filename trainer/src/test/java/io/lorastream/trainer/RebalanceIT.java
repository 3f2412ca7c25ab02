package io.lorastream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.kafka.KafkaCluster;
import io.lorastream.kafka.TestKafka;
import io.lorastream.model.adapter.AdapterKeys;
import io.lorastream.schemas.TopicNames;
import io.lorastream.schemas.TrainingPair;
import io.lorastream.trainer.checkpoint.AdapterCheckpoint;
import io.lorastream.trainer.gate.HeldOutSlice;
import io.lorastream.trainer.pairs.PairLedger;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two trainer instances in one consumer group: when the second joins, the first commits its work on
 * the partition it gives up, and the second resumes that partition's adapter from its checkpoint.
 * Every pair is trained exactly once across the handover.
 */
class RebalanceIT {

  @TempDir static Path dir;
  static KafkaCluster kafka;
  static Path privateKey;
  static Path tinyBase;

  @BeforeAll
  static void start() throws Exception {
    kafka = TestKafka.start();
    privateKey = dir.resolve(AdapterKeys.PRIVATE_KEY_FILE);
    AdapterKeys.writePrivateKey(privateKey, AdapterKeys.generate().getPrivate(), false);
    tinyBase = TinyBase.folder(dir.resolve("tiny"));
  }

  @AfterAll
  static void stop() {
    if (kafka != null) {
      kafka.close();
    }
  }

  private static Path settings(String instance) throws Exception {
    Properties p = new Properties();
    p.putAll(
        Map.ofEntries(
            Map.entry("bootstrap", kafka.bootstrapServers()),
            Map.entry("topic-prefix", "rb."),
            Map.entry("group-id", "rb.trainers"),
            Map.entry("instance-id", instance),
            Map.entry("base-model", tinyBase.toString()),
            Map.entry("device", "cpu"),
            Map.entry("signing-key", privateKey.toString()),
            Map.entry("metrics-port", "-1"),
            Map.entry("partitions", "2"),
            Map.entry("commit-every-steps", "4"),
            Map.entry("commit-interval", "500ms"),
            Map.entry("batch-max-wait", "200ms"),
            Map.entry("adapter-defaults.lora-r", "2"),
            Map.entry("adapter-defaults.batch-size", "4"),
            Map.entry("adapter-defaults.max-seq-length", "24"),
            Map.entry("adapter-defaults.gate-min-queries", "1"),
            Map.entry("adapter-defaults.gate-tolerance", "inf")));
    Path f = dir.resolve(instance + ".properties");
    try (Writer w = Files.newBufferedWriter(f)) {
      p.store(w, "rebalance test");
    }
    return f;
  }

  /** An adapter name the default partitioner puts on {@code partition} of 2. */
  private static String adapterOn(int partition) {
    for (int i = 0; ; i++) {
      String name = "adapter-" + i;
      if (Utils.toPositive(Utils.murmur2(name.getBytes(StandardCharsets.UTF_8))) % 2 == partition) {
        return name;
      }
    }
  }

  private static Map<String, AdapterCheckpoint> checkpoints(TopicNames names) {
    Map<String, AdapterCheckpoint> out = new HashMap<>();
    for (ConsumerRecord<String, byte[]> r :
        KafkaTopics.readAll(kafka.bootstrapServers(), names.trainerCheckpoints())) {
      out.put(r.key(), TestCheckpoints.decode(r, privateKey));
    }
    return out;
  }

  private static PairLedger expected(List<TrainingPair> pairs) {
    return PairLedger.of(
        pairs.stream()
            .filter(p -> !HeldOutSlice.isHeldOut(p.tenant(), p.anchor(), 0.1))
            .map(TrainingPair::pairId)
            .toList());
  }

  @Test
  void aJoiningInstanceResumesTheHandedOverAdapterFromItsCheckpointAndNoPairIsTrainedTwice()
      throws Exception {
    TopicNames names = new TopicNames("rb.");
    String a0 = adapterOn(0);
    String a1 = adapterOn(1);
    List<TrainingPair> first = new ArrayList<>(Pairs.stream(a0, 40));
    first.addAll(Pairs.stream(a1, 40));
    List<TrainingPair> second = new ArrayList<>();
    for (int i = 40; i < 80; i++) {
      second.add(Pairs.click(a0, i));
      second.add(Pairs.click(a1, i));
    }
    TrainerTopics.ensure(
        kafka.bootstrapServers(),
        TrainerTopics.specs(TrainerConfigFiles.load(settings("x"))),
        Duration.ofSeconds(30));
    TrainerChild one = new TrainerChild(settings("rb-one"), "rebalance-one");
    TrainerChild two = null;
    try {
      one.await("READY", 1, Duration.ofMinutes(2));
      KafkaTopics.produce(kafka.bootstrapServers(), names.trainingPairs(), first);
      ContinualTrainerIT.await(
          "instance one trained the first half",
          Duration.ofMinutes(3),
          () -> {
            Map<String, AdapterCheckpoint> c = checkpoints(names);
            return c.containsKey(a0)
                && c.get(a0).ledger().equals(expected(first.subList(0, 40)))
                && c.containsKey(a1)
                && c.get(a1).ledger().equals(expected(first.subList(40, 80)));
          });

      TrainerChild joined = new TrainerChild(settings("rb-two"), "rebalance-two");
      two = joined;
      ContinualTrainerIT.await(
          "instance two resumed an adapter",
          Duration.ofMinutes(3),
          () -> uncheckedLog(joined, "resumed adapter").size() == 1);
      KafkaTopics.produce(kafka.bootstrapServers(), names.trainingPairs(), second);
      List<TrainingPair> all0 = new ArrayList<>(first.subList(0, 40));
      List<TrainingPair> all1 = new ArrayList<>(first.subList(40, 80));
      second.forEach(p -> (p.adapter().equals(a0) ? all0 : all1).add(p));
      ContinualTrainerIT.await(
          "both adapters trained every pair",
          Duration.ofMinutes(3),
          () -> {
            Map<String, AdapterCheckpoint> c = checkpoints(names);
            return c.get(a0).ledger().equals(expected(all0))
                && c.get(a1).ledger().equals(expected(all1));
          });
      String moved = uncheckedLog(joined, "resumed adapter").get(0);
      assertThat(moved).containsAnyOf(a0, a1);
    } finally {
      if (two != null) {
        two.terminate();
      }
      one.terminate();
    }
  }

  private static List<String> uncheckedLog(TrainerChild c, String text) {
    try {
      return c.logLines(text);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
