package io.lorastream.cli.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.kafka.EmbeddedKafkaCluster;
import io.lorastream.kafka.EmbeddedKafkaConfig;
import io.lorastream.model.adapter.AdapterManifest;
import io.lorastream.model.eval.BeirDataset;
import io.lorastream.schemas.EventCodecs;
import io.lorastream.schemas.TextLimits;
import io.lorastream.schemas.TopicNames;
import io.lorastream.schemas.TrainingPair;
import io.lorastream.trainer.TrainerListener;
import io.lorastream.trainer.checkpoint.AdapterCheckpoint;
import io.lorastream.trainer.gate.HeldOutSlice;
import io.lorastream.trainer.pairs.PairLedger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop on three in-process KRaft nodes, every topic with 3 replicas and 2 in sync (the
 * services' defaults), while feedback flows and versions are published: the node leading the
 * training-pairs partition is killed (no controlled shutdown, as a crash) and restarted 25 s later.
 * Every label must become exactly one pair and be trained exactly once (the trainer's ledger),
 * versions must keep being published and served, and the server must answer every request. Prints
 * how long publishing and serving were interrupted, as JSON. A slow test (about two minutes).
 */
class BrokerFailoverIT {

  // 4 labels a second for a minute: what the trainer keeps up with on two shared cores
  private static final int LABELS = 240;
  private static final Duration LABEL_INTERVAL = Duration.ofMillis(250);
  private static final Duration DOWN_FOR = Duration.ofSeconds(25);
  private static final TopicNames TOPICS = TopicNames.DEFAULT;

  @TempDir Path dir;

  /** When the trainer committed, and which versions each commit published. */
  record Commit(long atMs, List<Integer> versions) {}

  @Test
  void killingThePairsLeaderLosesNoPairTrainsNoneTwiceAndNeverFailsARequest() throws Exception {
    List<Commit> commits = new CopyOnWriteArrayList<>();
    List<String> aborted = new CopyOnWriteArrayList<>();
    TrainerListener listener =
        new TrainerListener() {
          @Override
          public void committed(List<AdapterManifest> published, int checkpoints) {
            commits.add(
                new Commit(
                    System.currentTimeMillis(),
                    published.stream().map(AdapterManifest::version).toList()));
          }

          @Override
          public void aborted(Exception cause) {
            aborted.add(System.currentTimeMillis() + " " + cause);
          }
        };
    long t0 = System.nanoTime();
    try (EmbeddedKafkaCluster cluster =
            EmbeddedKafkaCluster.start(3, EmbeddedKafkaConfig.defaults());
        Loop loop =
            Loop.start(
                new Loop.Settings(
                    cluster.bootstrapServers(),
                    dir,
                    1,
                    Map.of(),
                    Map.of(),
                    Map.of(),
                    Map.of(),
                    Map.of("commit-interval", "1s", "commit-every-steps", "6"),
                    listener))) {
      System.out.printf(
          "BrokerFailoverIT: cluster and services up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
      String pairs = TOPICS.trainingPairs();
      assertThat(cluster.inSyncReplicas(pairs, 0))
          .as("training-pairs replicated on all three nodes")
          .hasSize(3);

      BeirDataset data = LabelFeedback.scifact();
      List<LabelFeedback.Judgment> judgments = LabelFeedback.judgments(data, LABELS);
      List<String> labelIds = Collections.synchronizedList(new ArrayList<>());
      AtomicReference<Throwable> feederFailure = new AtomicReference<>();
      try (LabelFeedback feedback =
          new LabelFeedback(cluster.bootstrapServers(), Map.of(), TOPICS)) {
        feedback.documents(data, judgments);
        Thread feeder =
            new Thread(
                () -> {
                  try {
                    for (LabelFeedback.Judgment j : judgments) {
                      String id = UUID.randomUUID().toString();
                      labelIds.add(id);
                      feedback.label(j, id);
                      Thread.sleep(LABEL_INTERVAL.toMillis());
                    }
                    feedback.flush();
                  } catch (Throwable e) {
                    feederFailure.set(e);
                  }
                },
                "label-feeder");
        feeder.start();

        AccessControlIT.await(
            "a first version served",
            Duration.ofMinutes(2),
            () ->
                ServingProbe.servingVersion(loop.serverUri(), Loop.ADAPTER) > 0
                    || loop.trainerFailure() != null);
        assertThat(loop.trainerFailure()).isNull();
        try (ServingProbe probe =
            new ServingProbe(loop.serverUri(), Loop.ADAPTER, Duration.ofMillis(50)).start()) {
          Thread.sleep(8_000); // steady state: a few publications before the kill

          int victim = cluster.leaderOf(pairs, 0);
          int versionAtKill = ServingProbe.servingVersion(loop.serverUri(), Loop.ADAPTER);
          long killMs = System.currentTimeMillis();
          cluster.kill(victim);
          long newLeaderMs = -1;
          while (System.currentTimeMillis() - killMs < DOWN_FOR.toMillis()) {
            if (newLeaderMs < 0) {
              int leader = cluster.leaderOf(pairs, 0);
              if (leader > 0 && leader != victim) {
                newLeaderMs = System.currentTimeMillis();
              }
            }
            Thread.sleep(250);
          }
          long restartMs = System.currentTimeMillis();
          cluster.restart(victim);
          AccessControlIT.await(
              "the restarted node back in the pairs partition's ISR",
              Duration.ofMinutes(2),
              () -> cluster.inSyncReplicas(pairs, 0).contains(victim));
          long rejoinedMs = System.currentTimeMillis();

          feeder.join(Duration.ofMinutes(3).toMillis());
          assertThat(feederFailure.get()).as("the feedback producer").isNull();
          assertThat(labelIds).hasSize(LABELS);

          // exactly once from labels to pairs
          AccessControlIT.await(
              "a pair per label", Duration.ofMinutes(2), () -> readPairs(cluster).size() >= LABELS);
          List<TrainingPair> written = readPairs(cluster);
          assertThat(written).hasSize(LABELS);
          assertThat(written.stream().map(TrainingPair::pairId).distinct()).hasSize(LABELS);
          assertThat(written)
              .extracting(p -> p.sourceEventIds().get(0))
              .containsExactlyInAnyOrderElementsOf(labelIds);

          // the trainer trains what is left, then stops (committing); its ledger proves every pair
          // was trained once
          double holdout = loop.trainerSettings().holdoutFraction();
          List<String> trainable =
              written.stream()
                  .filter(p -> !HeldOutSlice.isHeldOut(p.tenant(), p.anchor(), holdout))
                  .map(TrainingPair::pairId)
                  .toList();
          // (a partial batch is trained once its oldest pair waited batch-max-wait: nothing stays
          // pending)
          AccessControlIT.await(
              "the trainer through every pair",
              Duration.ofMinutes(3),
              () -> {
                AdapterCheckpoint c = lastCheckpoint(cluster, loop);
                return (c != null && c.ledger().pairs() >= trainable.size())
                    || loop.trainerFailure() != null;
              });
          Thread.sleep(1_000);
          probe.close();
          loop.stopTrainer();
          assertThat(loop.trainerFailure()).as("the trainer kept running").isNull();
          AdapterCheckpoint last = lastCheckpoint(cluster, loop);
          assertThat(last.pending()).isEmpty();
          assertThat(last.ledger()).isEqualTo(PairLedger.of(trainable));

          // versions kept being published and served, and every request was answered
          List<ServingProbe.Call> calls = probe.calls();
          assertThat(calls)
              .isNotEmpty()
              .allSatisfy(c -> assertThat(c.status()).as("HTTP status").isEqualTo(200));
          List<Commit> publications =
              commits.stream().filter(c -> !c.versions().isEmpty()).toList();
          long lastBeforeKill =
              publications.stream()
                  .mapToLong(Commit::atMs)
                  .filter(t -> t < killMs)
                  .max()
                  .orElseThrow();
          long firstAfterKill =
              publications.stream()
                  .mapToLong(Commit::atMs)
                  .filter(t -> t >= killMs)
                  .min()
                  .orElseThrow();
          assertThat(publications.stream().filter(c -> c.atMs() > rejoinedMs))
              .as("publications after the restart")
              .isNotEmpty();
          long firstNewerServed =
              calls.stream()
                  .filter(c -> c.sentMs() >= killMs && version(c) > versionAtKill)
                  .mapToLong(ServingProbe.Call::answeredMs)
                  .min()
                  .orElseThrow();
          int lastServed = calls.stream().mapToInt(BrokerFailoverIT::version).max().orElseThrow();
          assertThat(lastServed)
              .as("a version published after the restart served")
              .isGreaterThan(
                  calls.stream()
                      .filter(c -> c.sentMs() <= rejoinedMs)
                      .mapToInt(BrokerFailoverIT::version)
                      .max()
                      .orElseThrow());

          List<Long> gapsBefore = new ArrayList<>();
          for (int i = 1; i < publications.size() && publications.get(i).atMs() < killMs; i++) {
            gapsBefore.add(publications.get(i).atMs() - publications.get(i - 1).atMs());
          }
          Collections.sort(gapsBefore);
          long maxLatencyDuringFailover =
              calls.stream()
                  .filter(c -> c.sentMs() >= killMs && c.sentMs() <= rejoinedMs)
                  .mapToLong(ServingProbe.Call::latencyMs)
                  .max()
                  .orElse(-1);
          long maxLatencyBefore =
              calls.stream()
                  .filter(c -> c.sentMs() < killMs)
                  .mapToLong(ServingProbe.Call::latencyMs)
                  .max()
                  .orElse(-1);
          System.out.printf(
              "BROKER_FAILOVER {\"killed_node\": %d, \"new_pairs_leader_after_ms\": %d, \"restarted_after_ms\": %d,"
                  + " \"back_in_isr_after_restart_ms\": %d, \"publication_gap_median_before_ms\": %d,"
                  + " \"last_publication_before_kill_ms\": %d, \"first_publication_after_kill_ms\": %d,"
                  + " \"publishing_interrupted_ms\": %d, \"newer_version_served_after_kill_ms\": %d,"
                  + " \"requests\": %d, \"failed_requests\": %d, \"max_latency_before_ms\": %d,"
                  + " \"max_latency_during_failover_ms\": %d, \"versions_published\": %d,"
                  + " \"aborted_transactions\": %d, \"labels\": %d, \"pairs_trained\": %d}%n",
              victim,
              newLeaderMs < 0 ? -1 : newLeaderMs - killMs,
              restartMs - killMs,
              rejoinedMs - restartMs,
              gapsBefore.isEmpty() ? -1 : gapsBefore.get(gapsBefore.size() / 2),
              killMs - lastBeforeKill,
              firstAfterKill - killMs,
              firstAfterKill - lastBeforeKill,
              firstNewerServed - killMs,
              calls.size(),
              calls.stream().filter(c -> c.status() != 200).count(),
              maxLatencyBefore,
              maxLatencyDuringFailover,
              publications.stream().mapToInt(c -> c.versions().size()).sum(),
              aborted.size(),
              LABELS,
              last.ledger().pairs());
          aborted.forEach(a -> System.out.println("BrokerFailoverIT: aborted transaction at " + a));
        }
      }
    }
    System.out.printf("BrokerFailoverIT: %.1f s in all%n", (System.nanoTime() - t0) / 1e9);
  }

  private static int version(ServingProbe.Call c) {
    String v = c.version();
    int at = v == null ? -1 : v.lastIndexOf('@');
    return at < 0 ? 0 : Integer.parseInt(v.substring(at + 1));
  }

  private static List<TrainingPair> readPairs(EmbeddedKafkaCluster cluster) {
    var codec = EventCodecs.create(TextLimits.DEFAULTS).trainingPairs();
    return Topics.readAll(cluster.bootstrapServers(), Map.of(), TOPICS.trainingPairs()).stream()
        .map(r -> codec.decode(r.value()))
        .toList();
  }

  private static AdapterCheckpoint lastCheckpoint(EmbeddedKafkaCluster cluster, Loop loop) {
    AdapterCheckpoint last = null;
    for (ConsumerRecord<String, byte[]> r :
        Topics.readAll(cluster.bootstrapServers(), Map.of(), TOPICS.trainerCheckpoints())) {
      if (r.value() != null && Loop.ADAPTER.equals(r.key())) {
        last = loop.checkpoint(r);
      }
    }
    return last;
  }
}
