package io.lorastream.trainer.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lorastream.model.runtime.DeviceSetting;
import io.lorastream.model.runtime.Precision;
import io.lorastream.schemas.TrainingPair;
import io.lorastream.trainer.AdapterSettings;
import io.lorastream.trainer.Pairs;
import io.lorastream.trainer.TestCheckpoints;
import io.lorastream.trainer.TinyBase;
import io.lorastream.trainer.TrainerConfigFiles;
import io.lorastream.trainer.checkpoint.AdapterCheckpoint;
import io.lorastream.trainer.gate.EvalData;
import io.lorastream.trainer.gate.GateEvaluator;
import io.lorastream.trainer.gate.HeldOutSlice;
import io.lorastream.trainer.pairs.BufferedPair;
import io.lorastream.trainer.pairs.PairLedger;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdapterTrainerTest {

  @TempDir static Path dir;
  static TrainerModel model;
  static final AdapterSettings SETTINGS =
      TrainerConfigFiles.adapter(
          Map.of(
              "lora-r",
              "2",
              "batch-size",
              "4",
              "replay-fraction",
              "0.5",
              "max-seq-length",
              "24",
              "lr",
              "1e-2"),
          "test");

  @BeforeAll
  static void load() throws Exception {
    model =
        TrainerModel.load(
            TinyBase.folder(dir.resolve("tiny")).toString(),
            DeviceSetting.CPU,
            Precision.FP32,
            1000);
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static AdapterTrainer fresh() {
    return AdapterTrainer.start("a", SETTINGS, "pairs", 0, model, 100, 100);
  }

  /** Feeds pairs [from, to) and takes every full step. */
  private static void feed(AdapterTrainer t, List<TrainingPair> pairs, int from, int to) {
    for (TrainingPair p : pairs.subList(from, to)) {
      t.acceptForTraining(BufferedPair.of(p, 4), 0);
      if (t.stepReady(0, 0)) {
        t.step(0);
      }
    }
  }

  @Test
  void anAdapterRestoredFromItsCheckpointEndsEqualToOneTrainedStraightThrough() {
    List<TrainingPair> pairs = Pairs.stream("a", 37);
    AdapterCheckpoint end;
    try (AdapterTrainer straight = fresh()) {
      feed(straight, pairs, 0, 37);
      end = straight.checkpoint(37);
      assertThat(straight.session().stepCount())
          .isEqualTo(18); // 2 new pairs per step (batch 4, half replay), 1 pending
      assertThat(straight.pendingCount()).isEqualTo(1);
    }
    try (AdapterTrainer first = fresh()) {
      feed(first, pairs, 0, 21); // stops with a pair pending and the replay buffer partly full
      AdapterCheckpoint mid = TestCheckpoints.roundTrip(first.checkpoint(21));
      try (AdapterTrainer resumed = AdapterTrainer.restore(mid, SETTINGS, model, 100, 100)) {
        feed(resumed, pairs, 21, 37);
        AdapterCheckpoint after = resumed.checkpoint(37);
        assertThat(after.training())
            .isEqualTo(end.training()); // bit for bit: weights, moments, step
        assertThat(after.ledger())
            .isEqualTo(end.ledger())
            .isEqualTo(
                PairLedger.of(pairs.subList(0, 36).stream().map(TrainingPair::pairId).toList()));
        assertThat(after.replay()).isEqualTo(end.replay());
        assertThat(after.randomState()).isEqualTo(end.randomState());
        assertThat(after.pending()).isEqualTo(end.pending());
      }
    }
  }

  /**
   * Feeds pairs [from, to), holding every fifth out, and runs the gate after every third step if
   * {@code gate}.
   */
  private static void feedWithHoldout(
      AdapterTrainer t, List<TrainingPair> pairs, int from, int to, GateEvaluator gate) {
    for (int i = from; i < to; i++) {
      BufferedPair p = BufferedPair.of(pairs.get(i), 4);
      if (i % 5 == 0) {
        t.acceptHeldOut("q" + i, p);
      } else {
        t.acceptForTraining(p, 0);
      }
      if (t.stepReady(0, 0)) {
        t.step(0);
        if (gate != null && t.session().stepCount() % 3 == 0 && t.heldOut().scorableQueries() > 0) {
          gate.ndcgAt10(
              EvalData.of(t.heldOut(), null),
              t.session().adapter(),
              SETTINGS.mode(),
              t.tokenizer(),
              t.documents(),
              null);
        }
      }
    }
  }

  @Test
  void gateEvaluationsBetweenStepsLeaveTrainingUntouched() {
    List<TrainingPair> pairs = Pairs.stream("a", 30);
    try (AdapterTrainer plain = fresh();
        AdapterTrainer gated = fresh()) {
      feedWithHoldout(plain, pairs, 0, 30, null);
      feedWithHoldout(gated, pairs, 0, 30, new GateEvaluator(model.encoder()));
      assertThat(gated.checkpoint(30).training()).isEqualTo(plain.checkpoint(30).training());
    }
  }

  @Test
  void aRestoredAdapterKeepsMatchingTheUninterruptedOneThroughGarbageCollections()
      throws Exception {
    // Regression: AdamW.importState once let DJL back the restored moments with direct Java
    // buffers; after
    // garbage collections the resumed adapter diverged (about half the runs of this test) or read
    // garbage.
    List<TrainingPair> pairs = Pairs.stream("a", 60);
    AdapterCheckpoint end;
    AdapterCheckpoint mid;
    try (AdapterTrainer straight = fresh();
        AdapterTrainer first = fresh()) {
      feed(straight, pairs, 0, 60);
      end = straight.checkpoint(60);
      feed(first, pairs, 0, 30);
      mid = TestCheckpoints.roundTrip(first.checkpoint(30));
    }
    for (int round = 0; round < 3; round++) {
      try (AdapterTrainer resumed = AdapterTrainer.restore(mid, SETTINGS, model, 100, 100)) {
        for (int i = 30; i < 60; i++) {
          churnAndCollect();
          feed(resumed, pairs, i, i + 1);
        }
        assertThat(resumed.checkpoint(60).training()).isEqualTo(end.training());
      }
    }
  }

  private static void churnAndCollect() throws InterruptedException {
    byte[][] junk = new byte[256][];
    for (int i = 0; i < junk.length; i++) {
      junk[i] = new byte[16 * 1024];
    }
    System.gc();
    Thread.sleep(5);
  }

  @Test
  void trainingChangesTheAdapterAndEveryStepMixesInReplayedPairs() {
    try (AdapterTrainer t = fresh()) {
      var initial = t.session().adapterWeights();
      List<TrainingPair> pairs = Pairs.stream("a", 8);
      int replayed = 0;
      for (TrainingPair p : pairs) {
        t.acceptForTraining(BufferedPair.of(p, 4), 0);
        if (t.stepReady(0, 0)) {
          replayed += t.step(0).replayed();
        }
      }
      assertThat(t.session().adapterWeights()).isNotEqualTo(initial);
      assertThat(replayed)
          .isEqualTo(6); // steps 2-4 replay 2 earlier pairs each; step 1 has nothing to replay
      assertThat(t.pairsReplayed()).isEqualTo(6);
    }
  }

  @Test
  void aPartialBatchWaitsForMaxWaitButNeverWhenWaitIsZero() {
    try (AdapterTrainer t = fresh()) {
      t.acceptForTraining(Pairs.buffered(0), 1_000);
      assertThat(t.stepReady(1_500, 1_000)).isFalse();
      assertThat(t.stepReady(2_000, 1_000)).isTrue();
      assertThat(t.stepReady(99_000, 0)).isFalse();
      assertThat(t.dueAtMs(1_000)).isEqualTo(2_000);
    }
  }

  @Test
  void aCheckpointOfAnotherLoraShapeIsRefusedNamingTheWayOut() {
    AdapterCheckpoint c;
    try (AdapterTrainer t = fresh()) {
      c = t.checkpoint(0);
    }
    AdapterSettings rank4 =
        TrainerConfigFiles.adapter(Map.of("lora-r", "4", "max-seq-length", "24"), "test");
    assertThatThrownBy(() -> AdapterTrainer.restore(c, rank4, model, 100, 100))
        .hasMessageContaining("a checkpoint cannot change shape")
        .hasMessageContaining("new adapter name");
  }

  @Test
  void heldOutQueriesNeverReachATrainingBatchBeforeOrAfterARestore() {
    List<TrainingPair> pairs = Pairs.stream("a", 60);
    int heldOutPairs = 0;
    for (TrainingPair p : pairs) {
      heldOutPairs += HeldOutSlice.isHeldOut(p.tenant(), p.anchor(), 0.3) ? 1 : 0;
    }
    assertThat(heldOutPairs).isBetween(5, 40);
    AdapterCheckpoint mid;
    try (AdapterTrainer t = fresh()) {
      offerAndTrain(t, pairs.subList(0, 30));
      mid = TestCheckpoints.roundTrip(t.checkpoint(30));
    }
    try (AdapterTrainer resumed = AdapterTrainer.restore(mid, SETTINGS, model, 100, 100)) {
      int before = resumed.heldOut().queryCount();
      offerAndTrain(resumed, pairs.subList(30, 60));
      assertThat(resumed.heldOut().queryCount())
          .isGreaterThan(before); // the slice grows with the feedback
    }
  }

  /** Offers pairs with a 30% held-out slice and trains every full step, checking each batch. */
  private static void offerAndTrain(AdapterTrainer t, List<TrainingPair> pairs) {
    for (TrainingPair p : pairs) {
      AdapterTrainer.Route route =
          t.offer(BufferedPair.of(p, 4), p.shownDocIds(), p.tenant(), 0.3, 0);
      assertThat(route == AdapterTrainer.Route.HELD_OUT)
          .isEqualTo(HeldOutSlice.isHeldOut(p.tenant(), p.anchor(), 0.3));
      while (t.stepReady(0, 0)) {
        AdapterTrainer.Batch batch = t.nextBatch(0);
        for (BufferedPair b : batch.pairs()) {
          assertThat(HeldOutSlice.isHeldOut("tenant", b.anchor(), 0.3))
              .as("held-out query %s in a batch", b.anchor())
              .isFalse();
        }
        t.train(batch);
      }
    }
  }

  private static BufferedPair weighted(BufferedPair p, double weight) {
    return new BufferedPair(
        p.pairId(),
        p.anchor(),
        p.positive(),
        p.positiveDocId(),
        p.negatives(),
        p.negativeDocIds(),
        weight,
        p.label(),
        p.eventTimeMs());
  }

  @Test
  void aStepWithANonFiniteLossLeavesTheAdapterAsItWasAndItsNewPairsOutOfLedgerAndReplay() {
    List<TrainingPair> pairs = Pairs.stream("a", 8);
    try (AdapterTrainer t = fresh()) {
      feed(t, pairs, 0, 4); // two steps
      AdapterCheckpoint before = t.checkpoint(4);
      // 3e38 is a finite float, but 3e38 x the pair's loss overflows float32
      t.acceptForTraining(weighted(BufferedPair.of(pairs.get(4), 4), 3e38), 0);
      t.acceptForTraining(BufferedPair.of(pairs.get(5), 4), 0);
      AdapterTrainer.Step s = t.step(0);
      assertThat(s.result().skipped()).isTrue();
      AdapterCheckpoint after = t.checkpoint(6);
      assertThat(after.training()).isEqualTo(before.training());
      assertThat(after.ledger()).isEqualTo(before.ledger());
      assertThat(after.replay()).isEqualTo(before.replay());
      assertThat(after.counters()).containsEntry("non_finite_step", 2L);
      feed(t, pairs, 6, 8); // and training goes on
      assertThat(t.session().stepCount()).isEqualTo(3);
      assertThat(t.session().adapterWeights().allFinite()).isTrue();
    }
  }
}
