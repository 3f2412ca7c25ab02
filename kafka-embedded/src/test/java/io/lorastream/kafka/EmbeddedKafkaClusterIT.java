package io.lorastream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Three in-process KRaft nodes: replication across them, and a node's crash and return. */
class EmbeddedKafkaClusterIT {

  @Test
  void aTopicWithThreeReplicasKeepsTakingWritesWhenItsLeaderIsKilledAndTheNodeRejoinsItsIsr()
      throws Exception {
    try (EmbeddedKafkaCluster cluster =
        EmbeddedKafkaCluster.start(3, EmbeddedKafkaConfig.defaults())) {
      assertThat(cluster.runningNodes()).containsExactly(1, 2, 3);
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
        admin
            .createTopics(
                List.of(
                    new NewTopic("replicated", 1, (short) 3)
                        .configs(Map.of("min.insync.replicas", "2"))))
            .all()
            .get();
      }
      await(
          "all three replicas in sync", () -> cluster.inSyncReplicas("replicated", 0).size() == 3);

      Map<String, Object> acksAll =
          Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 0);
      try (KafkaProducer<String, String> producer =
          Clients.producer(cluster.bootstrapServers(), acksAll)) {
        send(producer, "before", 50);
        int leader = cluster.leaderOf("replicated", 0);
        cluster.kill(leader);
        assertThat(cluster.runningNodes()).hasSize(2).doesNotContain(leader);
        // The producer retries until the controller fences the dead node and elects another leader.
        send(producer, "during", 50);
        assertThat(cluster.leaderOf("replicated", 0)).isNotEqualTo(leader).isPositive();

        cluster.restart(leader);
        await(
            "the restarted node back in the ISR",
            () -> cluster.inSyncReplicas("replicated", 0).contains(leader));
        send(producer, "after", 50);
      }

      List<String> values =
          Clients.readAll(cluster.bootstrapServers(), "replicated", "read_committed", Map.of())
              .stream()
              .map(ConsumerRecord::value)
              .toList();
      List<String> expected = new ArrayList<>(names("before", 50));
      expected.addAll(names("during", 50));
      expected.addAll(names("after", 50));
      assertThat(values)
          .containsExactlyElementsOf(
              expected); // one partition, one idempotent producer: in order, once
      assertThat(cluster.inSyncReplicas("replicated", 0)).isEqualTo(Set.of(1, 2, 3));
    }
  }

  private static void send(KafkaProducer<String, String> producer, String prefix, int n)
      throws Exception {
    List<Future<?>> sent = new ArrayList<>();
    for (String v : names(prefix, n)) {
      sent.add(producer.send(new ProducerRecord<>("replicated", v, v)));
    }
    for (Future<?> f : sent) {
      f.get();
    }
  }

  private static List<String> names(String prefix, int n) {
    return IntStream.range(0, n).mapToObj(i -> prefix + "-" + i).toList();
  }

  private static void await(String what, java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 60 s: " + what);
      }
      Thread.sleep(200);
    }
  }
}
