package io.lorastream.trainer;

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
    LoraConfig lora = new LoraConfig(2, 4, 0.1, EnumSet.of(LoraTarget.QUERY, LoraTarget.FFN_IN), true);
    TreeMap<LoraKey, LoraPairWeights> pairs = new TreeMap<>();
    List<AdamWState.ParameterState> moments = new ArrayList<>();
    for (int layer = 0; layer < 2; layer++) {
      for (LoraTarget t : lora.orderedTargets()) {
        LoraKey k = new LoraKey(layer, t);
        pairs.put(k, new LoraPairWeights(random(r, 2, 16), random(r, t == LoraTarget.FFN_IN ? 32 : 16, 2)));
        moments.add(new AdamWState.ParameterState(k.moduleName() + ".A", random(r, 2, 16), random(r, 2, 16)));
      }
    }
    AdapterWeights w = new AdapterWeights(lora, pairs);
    pairs.values().iterator().next().a().data()[0] = Float.intBitsToFloat(0x7fc00123); // a NaN payload survives too
    TrainingState state = new TrainingState(w, new AdamWState(17, moments), 42, 512);
    HeldOutSet held = new HeldOutSet(10, 10);
    held.addHeldOut("q1", Pairs.buffered(1));
    return new AdapterCheckpoint("scifact", "lorastream.training-pairs", 2, 1234, state, -99L,
        List.of(Pairs.buffered(2), Pairs.buffered(3)), 1_700_000_000_000L, List.of(Pairs.buffered(4)), 57,
        PairLedger.of(List.of("a", "b")), 33, new TreeMap<>(Map.of("held_out", 5L)), held.queryList(), held.docList(),
        List.of(new KnownPositives.Entry("what about stem cells", List.of("doc-3", "doc-9"))), published ? 3 : 0, published ? w : null, 1_700_000_000_500L, 16, published ? w : null);
  }

  @Test
  void aCheckpointSurvivesEncodingBitForBit() {
    for (boolean published : new boolean[] {false, true}) {
      AdapterCheckpoint c = sample(published);
      AdapterCheckpoint back = CheckpointCodec.decode(CheckpointCodec.encode(c), "test");
      assertThat(back).isEqualTo(c);
      FloatTensor a = back.training().adapter().pairs().values().iterator().next().a();
      assertThat(Float.floatToRawIntBits(a.data()[0])).isEqualTo(0x7fc00123);
    }
  }

  @Test
  void foreignOrNewerRecordsAreRefusedNamingTheProblem() {
    byte[] bytes = CheckpointCodec.encode(sample(false));
    assertThatThrownBy(() -> CheckpointCodec.decode("hello world, not a checkpoint".getBytes(), "cp-0@5"))
        .hasMessageContaining("checkpoint cp-0@5 is unreadable").hasMessageContaining("no 'LSCK' magic");
    bytes[5] = 9;
    assertThatThrownBy(() -> CheckpointCodec.decode(bytes, "cp-0@6")).hasMessageContaining("format version 9 is not supported");
    byte[] cut = java.util.Arrays.copyOf(CheckpointCodec.encode(sample(false)), 100);
    assertThatThrownBy(() -> CheckpointCodec.decode(cut, "cp-0@7")).hasMessageContaining("truncated");
  }
}
