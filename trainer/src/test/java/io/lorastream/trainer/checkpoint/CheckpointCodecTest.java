package io.lorastream.trainer.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lorastream.model.lora.AdapterWeights;
import io.lorastream.model.lora.LoraConfig;
import io.lorastream.model.lora.LoraKey;
import io.lorastream.model.lora.LoraPairWeights;
import io.lorastream.model.lora.LoraTarget;
import io.lorastream.model.optim.AdamWState;
import io.lorastream.model.tensor.FloatTensor;
import io.lorastream.model.train.TrainingState;
import io.lorastream.trainer.Pairs;
import io.lorastream.trainer.TestCheckpoints;
import io.lorastream.trainer.gate.HeldOutSet;
import io.lorastream.trainer.pairs.BufferedPair;
import io.lorastream.trainer.pairs.KnownPositives;
import io.lorastream.trainer.pairs.PairLedger;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class CheckpointCodecTest {

  private static FloatTensor random(SplittableRandom r, int... shape) {
    FloatTensor t = FloatTensor.zeros(shape);
    for (int i = 0; i < t.data().length; i++) {
      t.data()[i] = (float) r.nextGaussian();
    }
    return t;
  }

  static AdapterCheckpoint sample(boolean published) {
    SplittableRandom r = new SplittableRandom(9);
    LoraConfig lora =
        new LoraConfig(2, 4, 0.1, EnumSet.of(LoraTarget.QUERY, LoraTarget.FFN_IN), true);
    TreeMap<LoraKey, LoraPairWeights> pairs = new TreeMap<>();
    List<AdamWState.ParameterState> moments = new ArrayList<>();
    for (int layer = 0; layer < 2; layer++) {
      for (LoraTarget t : lora.orderedTargets()) {
        LoraKey k = new LoraKey(layer, t);
        pairs.put(
            k,
            new LoraPairWeights(random(r, 2, 16), random(r, t == LoraTarget.FFN_IN ? 32 : 16, 2)));
        moments.add(
            new AdamWState.ParameterState(
                k.moduleName() + ".A", random(r, 2, 16), random(r, 2, 16)));
      }
    }
    AdapterWeights w = new AdapterWeights(lora, pairs);
    pairs.values().iterator().next().a().data()[0] =
        Float.intBitsToFloat(0x7fc00123); // a NaN payload survives too
    TrainingState state = new TrainingState(w, new AdamWState(17, moments), 42, 512);
    HeldOutSet held = new HeldOutSet(10, 10);
    held.addHeldOut("q1", Pairs.buffered(1));
    return new AdapterCheckpoint(
        "scifact",
        "lorastream.training-pairs",
        2,
        1234,
        state,
        -99L,
        List.of(Pairs.buffered(2), Pairs.buffered(3)),
        1_700_000_000_000L,
        List.of(Pairs.buffered(4)),
        57,
        PairLedger.of(List.of("a", "b")),
        33,
        new TreeMap<>(Map.of("held_out", 5L)),
        held.queryList(),
        held.docList(),
        List.of(new KnownPositives.Entry("what about stem cells", List.of("doc-3", "doc-9"))),
        published ? 3 : 0,
        published ? w : null,
        1_700_000_000_500L,
        16,
        published ? w : null);
  }

  @Test
  void aCheckpointSurvivesEncodingBitForBit() {
    for (boolean published : new boolean[] {false, true}) {
      AdapterCheckpoint c = sample(published);
      AdapterCheckpoint back = TestCheckpoints.roundTrip(c);
      assertThat(back).isEqualTo(c);
      FloatTensor a = back.training().adapter().pairs().values().iterator().next().a();
      assertThat(Float.floatToRawIntBits(a.data()[0])).isEqualTo(0x7fc00123);
    }
  }

  private static CheckpointRefused.Reason refusal(
      byte[] value, String key, int partition, CheckpointMac mac) {
    try {
      CheckpointCodec.decode(value, key, partition, mac, "cp-2@7");
      throw new AssertionError("decoded");
    } catch (CheckpointRefused e) {
      assertThat(e.getMessage()).contains("cp-2@7");
      return e.reason();
    }
  }

  @Test
  void foreignOldNewerOrDamagedRecordsAreRefusedNamingTheProblem() {
    CheckpointMac mac = TestCheckpoints.MAC;
    byte[] bytes = CheckpointCodec.encode(sample(false), mac);
    assertThatThrownBy(
            () ->
                CheckpointCodec.decode(
                    "hello world, not a checkpoint".getBytes(), "scifact", 2, mac, "cp-0@5"))
        .isInstanceOf(CheckpointRefused.class)
        .hasMessageContaining("checkpoint cp-0@5 is unreadable")
        .hasMessageContaining("no 'LSCK' magic");
    byte[] v2 = bytes.clone();
    v2[5] = 2;
    assertThatThrownBy(() -> CheckpointCodec.decode(v2, "scifact", 2, mac, "cp-0@6"))
        .hasMessageContaining("format version 2 is not supported; this trainer reads version 3")
        .hasMessageContaining("an older trainer wrote this one");
    assertThat(refusal(v2, "scifact", 2, mac))
        .isEqualTo(CheckpointRefused.Reason.UNSUPPORTED_VERSION);
    byte[] cut = java.util.Arrays.copyOf(bytes, 100);
    assertThat(refusal(cut, "scifact", 2, mac)).isEqualTo(CheckpointRefused.Reason.NOT_AUTHENTIC);
    byte[] flipped = bytes.clone();
    flipped[bytes.length / 2] ^= 1;
    assertThat(refusal(flipped, "scifact", 2, mac))
        .isEqualTo(CheckpointRefused.Reason.NOT_AUTHENTIC);
    assertThat(refusal(null, "scifact", 2, mac)).isEqualTo(CheckpointRefused.Reason.TOMBSTONE);
    assertThat(refusal("junk".getBytes(), "scifact", 2, mac))
        .isEqualTo(CheckpointRefused.Reason.NOT_A_CHECKPOINT);
  }

  @Test
  void aCheckpointMacedWithAnotherKeyOrMovedToAnotherKeyOrPartitionIsNotAuthentic() {
    byte[] forged =
        CheckpointCodec.encode(
            sample(true),
            CheckpointMac.of(
                "someone else's key, 32 bytes at least!"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "x"));
    assertThat(refusal(forged, "scifact", 2, TestCheckpoints.MAC))
        .isEqualTo(CheckpointRefused.Reason.NOT_AUTHENTIC);
    assertThatThrownBy(
            () -> CheckpointCodec.decode(forged, "scifact", 2, TestCheckpoints.MAC, "cp-2@9"))
        .hasMessageContaining("not authentic")
        .hasMessageContaining("tests");
    byte[] real = CheckpointCodec.encode(sample(true), TestCheckpoints.MAC);
    assertThat(refusal(real, "legal", 2, TestCheckpoints.MAC))
        .isEqualTo(CheckpointRefused.Reason.NOT_AUTHENTIC);
    assertThat(refusal(real, "scifact", 1, TestCheckpoints.MAC))
        .isEqualTo(CheckpointRefused.Reason.NOT_AUTHENTIC);
    assertThat(CheckpointCodec.decode(real, "scifact", 2, TestCheckpoints.MAC, "cp").adapter())
        .isEqualTo("scifact");
  }

  @Test
  void anAuthenticRecordThatDoesNotDecodeIsRefusedAsUnreadable() {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(6 + 4 + 3 + 4 + 2 + CheckpointMac.LENGTH);
    b.put("LSCK".getBytes())
        .putShort((short) CheckpointCodec.FORMAT_VERSION)
        .putInt(3)
        .put(new byte[] {1, 2, 3})
        .putInt(2)
        .put(new byte[] {4, 5});
    b.put(TestCheckpoints.MAC.mac("scifact", 2, b.array(), b.position()));
    assertThat(refusal(b.array(), "scifact", 2, TestCheckpoints.MAC))
        .isEqualTo(CheckpointRefused.Reason.UNREADABLE);
  }

  @Test
  void decompressionIsBoundedOnReadAndOnWrite() {
    AdapterCheckpoint big = sample(false);
    List<BufferedPair> replay = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      replay.add(Pairs.buffered(i));
    }
    big =
        new AdapterCheckpoint(
            big.adapter(),
            big.inputTopic(),
            big.inputPartition(),
            big.inputOffset(),
            big.training(),
            big.randomState(),
            big.pending(),
            big.pendingSinceMs(),
            replay,
            500,
            big.ledger(),
            big.pairsReplayed(),
            big.counters(),
            big.heldOutQueries(),
            big.pool(),
            big.knownPositives(),
            0,
            null,
            0,
            0,
            null);
    byte[] bytes = CheckpointCodec.encode(big, TestCheckpoints.MAC);
    AdapterCheckpoint c = big;
    assertThatThrownBy(
            () ->
                CheckpointCodec.decode(bytes, "scifact", 2, TestCheckpoints.MAC, 10_000, "cp-2@3"))
        .isInstanceOf(CheckpointRefused.class)
        .hasMessageContaining("inflates to more than 10000 bytes")
        .hasMessageContaining("checkpoint-max-json-bytes")
        .satisfies(
            e ->
                assertThat(((CheckpointRefused) e).reason())
                    .isEqualTo(CheckpointRefused.Reason.TOO_LARGE));
    assertThat(CheckpointCodec.decode(bytes, "scifact", 2, TestCheckpoints.MAC, 1 << 20, "cp-2@3"))
        .isEqualTo(c);
    assertThatThrownBy(() -> CheckpointCodec.encode(c, TestCheckpoints.MAC, 10_000))
        .hasMessageContaining("over checkpoint-max-json-bytes 10000");
  }
}
