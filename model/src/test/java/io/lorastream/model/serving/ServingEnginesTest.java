package io.lorastream.model.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDScope;
import io.lorastream.model.adapter.AdapterShapes;
import io.lorastream.model.encoder.BertEncoder;
import io.lorastream.model.encoder.EncoderConfig;
import io.lorastream.model.lora.AdapterWeights;
import io.lorastream.model.lora.LoraAdapter;
import io.lorastream.model.lora.LoraConfig;
import io.lorastream.model.lora.LoraKey;
import io.lorastream.model.lora.LoraPairWeights;
import io.lorastream.model.lora.LoraTarget;
import io.lorastream.model.runtime.Precision;
import io.lorastream.model.tensor.FloatTensor;
import io.lorastream.model.testing.TinyModels;
import io.lorastream.model.tokenize.TokenBatch;
import io.lorastream.model.weights.BaseModel;
import java.util.EnumSet;
import java.util.Set;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Both serving engines against the trainer's encoder on a tiny random model: the base, and adapters
 * applied on the fly by {@link BertEncoder#embed} (the offline reference), on batches of texts of
 * different lengths.
 */
class ServingEnginesTest {

  private static final EncoderConfig C = TinyModels.TINY;
  private static final BaseModel BASE = TinyModels.random(C, 11);
  private static BertEncoder reference;

  @BeforeAll
  static void load() {
    reference = BertEncoder.load(BASE, Device.cpu(), Precision.FP32);
  }

  @AfterAll
  static void close() {
    reference.close();
  }

  private static ServingEngine open(EngineChoice kind) {
    return ServingEngines.open(kind, BASE, Device.cpu(), Precision.FP32);
  }

  private static float[][] offline(TokenBatch batch, AdapterWeights weights) {
    try (NDScope scope = new NDScope()) {
      LoraAdapter lora =
          weights == null ? null : LoraAdapter.fromWeights(weights, reference.manager(), false);
      try {
        float[] flat = reference.embed(batch, lora, false).toFloatArray();
        float[][] out = new float[batch.size()][C.hiddenSize()];
        for (int i = 0; i < out.length; i++) {
          System.arraycopy(flat, i * C.hiddenSize(), out[i], 0, C.hiddenSize());
        }
        return out;
      } finally {
        if (lora != null) {
          lora.close();
        }
      }
    }
  }

  /**
   * Random factors (large enough to move the vectors) for every layer of {@code targets}, except
   * {@code skipLayer}.
   */
  static AdapterWeights adapter(Set<LoraTarget> targets, int rank, long seed, int skipLayer) {
    SplittableRandom r = new SplittableRandom(seed);
    SortedMap<LoraKey, LoraPairWeights> pairs = new TreeMap<>();
    for (int layer = 0; layer < C.numLayers(); layer++) {
      for (LoraTarget t : targets) {
        if (layer == skipLayer) {
          continue;
        }
        pairs.put(
            new LoraKey(layer, t),
            new LoraPairWeights(
                random(r, rank, AdapterShapes.inFeatures(t, C)),
                random(r, AdapterShapes.outFeatures(t, C), rank)));
      }
    }
    return new AdapterWeights(new LoraConfig(rank, 2.0 * rank, 0, targets, false), pairs);
  }

  private static FloatTensor random(SplittableRandom r, int rows, int cols) {
    FloatTensor t = FloatTensor.zeros(rows, cols);
    for (int i = 0; i < t.size(); i++) {
      t.data()[i] = (float) (0.5 * (r.nextDouble() - 0.5));
    }
    return t;
  }

  private static void assertClose(float[][] got, float[][] want) {
    assertThat(got).hasDimensions(want.length, want[0].length);
    for (int i = 0; i < want.length; i++) {
      for (int k = 0; k < want[i].length; k++) {
        assertThat(got[i][k])
            .as("text %d, component %d", i, k)
            .isCloseTo(want[i][k], org.assertj.core.data.Offset.offset(2e-5f));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = EngineChoice.class,
      names = {"ONNXRUNTIME", "PYTORCH"})
  void theBaseMatchesTheEncoderOnTextsOfManyLengths(EngineChoice kind) {
    TokenBatch batch = TinyModels.randomBatch(C, 9, 40, 5);
    try (ServingEngine engine = open(kind)) {
      assertThat(engine.kind()).isEqualTo(kind);
      assertClose(engine.base().embed(batch), offline(batch, null));
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = EngineChoice.class,
      names = {"ONNXRUNTIME", "PYTORCH"})
  void adapterVersionsMatchTheEncoderWithTheAdapterAppliedOnTheFly(EngineChoice kind) {
    TokenBatch batch = TinyModels.randomBatch(C, 7, 30, 6);
    AdapterWeights queryValue = adapter(EnumSet.of(LoraTarget.QUERY, LoraTarget.VALUE), 4, 1, -1);
    AdapterWeights everything =
        adapter(EnumSet.allOf(LoraTarget.class), 2, 2, 1); // layer 1 left alone
    AdapterWeights otherVersion = adapter(EnumSet.of(LoraTarget.QUERY, LoraTarget.VALUE), 4, 3, -1);
    try (ServingEngine engine = open(kind);
        ServingModel v1 = engine.withAdapter(queryValue);
        ServingModel v2 = engine.withAdapter(everything);
        ServingModel v3 = engine.withAdapter(otherVersion)) {
      float[][] base = engine.base().embed(batch);
      float[][] adapted = v1.embed(batch);
      assertClose(adapted, offline(batch, queryValue));
      assertClose(v2.embed(batch), offline(batch, everything));
      assertClose(v3.embed(batch), offline(batch, otherVersion));
      // the check can fail: the adapter moves the vectors
      assertThat(Math.abs(adapted[0][0] - base[0][0]) + Math.abs(adapted[0][1] - base[0][1]))
          .isGreaterThan(1e-3f);
      if (engine instanceof OnnxRuntimeServingEngine ort) {
        assertThat(ort.sessions()).as("the base's, {query, value}'s and all targets'").isEqualTo(3);
      }
    }
  }

  @Test
  void aClosedVersionLeavesTheOthersServing() {
    TokenBatch batch = TinyModels.randomBatch(C, 3, 12, 7);
    AdapterWeights a = adapter(EnumSet.of(LoraTarget.QUERY, LoraTarget.VALUE), 4, 8, -1);
    AdapterWeights b = adapter(EnumSet.of(LoraTarget.QUERY, LoraTarget.VALUE), 4, 9, -1);
    try (ServingEngine engine = open(EngineChoice.ONNXRUNTIME);
        ServingModel vb = engine.withAdapter(b)) {
      engine.withAdapter(a).close();
      assertClose(vb.embed(batch), offline(batch, b));
      assertClose(engine.base().embed(batch), offline(batch, null));
    }
  }

  @Test
  void anAdapterForDeeperLayersThanTheModelHasIsRefused() {
    SortedMap<LoraKey, LoraPairWeights> pairs = new TreeMap<>();
    pairs.put(
        new LoraKey(C.numLayers(), LoraTarget.QUERY),
        new LoraPairWeights(FloatTensor.zeros(2, 16), FloatTensor.zeros(16, 2)));
    AdapterWeights deep =
        new AdapterWeights(new LoraConfig(2, 4, 0, Set.of(LoraTarget.QUERY), false), pairs);
    try (ServingEngine engine = open(EngineChoice.ONNXRUNTIME)) {
      assertThatThrownBy(() -> engine.withAdapter(deep))
          .hasMessageContaining("layer 2")
          .hasMessageContaining("2 layers");
    }
  }

  @Test
  void autoPicksOnnxRuntimeOnTheCpuInFp32AndPytorchOtherwise() {
    assertThat(EngineChoice.AUTO.resolve(Device.cpu(), Precision.FP32))
        .isEqualTo(EngineChoice.ONNXRUNTIME);
    assertThat(EngineChoice.AUTO.resolve(Device.cpu(), Precision.FP16))
        .isEqualTo(EngineChoice.PYTORCH);
    assertThat(EngineChoice.AUTO.resolve(Device.gpu(), Precision.FP32))
        .isEqualTo(EngineChoice.PYTORCH);
    assertThat(EngineChoice.PYTORCH.resolve(Device.cpu(), Precision.FP32))
        .isEqualTo(EngineChoice.PYTORCH);
    assertThatThrownBy(() -> EngineChoice.ONNXRUNTIME.resolve(Device.gpu(), Precision.FP32))
        .hasMessageContaining("engine onnxruntime serves on the CPU in fp32")
        .hasMessageContaining("engine to auto or pytorch");
    assertThat(EngineChoice.parse(" ONNXRuntime ")).isEqualTo(EngineChoice.ONNXRUNTIME);
    assertThatThrownBy(() -> EngineChoice.parse("tensorrt"))
        .hasMessageContaining("auto, onnxruntime or pytorch");
  }
}
