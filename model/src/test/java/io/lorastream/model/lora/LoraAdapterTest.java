package io.lorastream.model.lora;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import io.lorastream.model.encoder.BertEncoder;
import io.lorastream.model.runtime.Precision;
import io.lorastream.model.tensor.FloatTensor;
import io.lorastream.model.testing.TinyModels;
import io.lorastream.model.tokenize.TokenBatch;
import java.util.EnumSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LoraAdapterTest {

  private static final LoraConfig ALL_TARGETS =
      new LoraConfig(4, 8, 0.0, EnumSet.allOf(LoraTarget.class), false);

  private static BertEncoder encoder;
  private static TokenBatch batch;

  @BeforeAll
  static void setUp() {
    encoder = BertEncoder.load(TinyModels.random(TinyModels.TINY, 7), Device.cpu(), Precision.FP32);
    batch = TinyModels.randomBatch(TinyModels.TINY, 5, 12, 11);
  }

  @AfterAll
  static void tearDown() {
    encoder.close();
  }

  private static float[] embed(BertEncoder enc, LoraAdapter lora) {
    try (NDScope scope = new NDScope()) {
      return enc.embed(batch, lora, false).toFloatArray();
    }
  }

  /** Non-zero B so the adapter changes outputs: a trained-looking adapter. */
  private static LoraAdapter randomTrainedAdapter(LoraConfig config) {
    try (LoraAdapter fresh =
        LoraAdapter.initialize(config, TinyModels.TINY, 3, encoder.manager(), false)) {
      AdapterWeights w = fresh.toWeights();
      java.util.TreeMap<LoraKey, LoraPairWeights> pairs = new java.util.TreeMap<>();
      java.util.SplittableRandom r = new java.util.SplittableRandom(5);
      w.pairs()
          .forEach(
              (k, p) -> {
                float[] b = new float[p.b().size()];
                for (int i = 0; i < b.length; i++) {
                  b[i] = (float) (r.nextDouble() - 0.5) * 0.2f;
                }
                pairs.put(k, new LoraPairWeights(p.a(), new FloatTensor(p.b().shape(), b)));
              });
      return LoraAdapter.fromWeights(new AdapterWeights(config, pairs), encoder.manager(), false);
    }
  }

  @Test
  void untrainedAdapterReproducesBaseEmbeddingsExactly() {
    try (LoraAdapter lora =
        LoraAdapter.initialize(ALL_TARGETS, TinyModels.TINY, 1, encoder.manager(), true)) {
      // B starts at zero, so s * x A^T B^T adds exactly 0.0 to every output.
      assertThat(embed(encoder, lora)).containsExactly(embed(encoder, null));
    }
  }

  @Test
  void freshAdapterHasZeroBAndKaimingBoundedA() {
    try (LoraAdapter lora =
        LoraAdapter.initialize(ALL_TARGETS, TinyModels.TINY, 1, encoder.manager(), false)) {
      AdapterWeights w = lora.toWeights();
      assertThat(w.pairs()).hasSize(TinyModels.TINY.numLayers() * LoraTarget.values().length);
      w.pairs()
          .forEach(
              (k, p) -> {
                assertThat(p.b().data()).containsOnly(0f);
                float bound = (float) (1 / Math.sqrt(p.inFeatures()));
                for (float v : p.a().data()) {
                  assertThat(Math.abs(v)).isLessThanOrEqualTo(bound);
                }
              });
    }
  }

  @Test
  void mergeThenUnmergeRestoresBaseWeightsWithin1e5() {
    try (LoraAdapter lora = randomTrainedAdapter(ALL_TARGETS);
        BertEncoder merged = encoder.withMergedAdapter(lora);
        BertEncoder restored = merged.withUnmergedAdapter(lora)) {
      for (LoraKey key : lora.aByKey().keySet()) {
        float[] base = encoder.weight(key).toFloatArray();
        float[] mergedW = merged.weight(key).toFloatArray();
        float[] back = restored.weight(key).toFloatArray();
        assertThat(maxAbsDiff(base, mergedW)).as("merge changes %s", key).isGreaterThan(1e-4f);
        assertThat(maxAbsDiff(base, back)).as("round trip of %s", key).isLessThan(1e-5f);
      }
    }
  }

  @Test
  void mergedAndUnmergedEmbeddingsAgree() {
    try (LoraAdapter lora = randomTrainedAdapter(ALL_TARGETS);
        BertEncoder merged = encoder.withMergedAdapter(lora)) {
      float[] onTheFly = embed(encoder, lora);
      float[] folded = embed(merged, null);
      float[] base = embed(encoder, null);
      int h = TinyModels.TINY.hiddenSize();
      for (int row = 0; row < batch.size(); row++) {
        assertThat(cosine(onTheFly, folded, row, h)).isGreaterThanOrEqualTo(0.99999);
        assertThat(cosine(onTheFly, base, row, h))
            .as("the adapter must change the embedding")
            .isLessThan(0.9999);
      }
    }
  }

  @Test
  void deltaWeightIsScalingTimesBA() {
    // Hand-checkable: A = [[1, 2]] (r=1, in=2), B = [[3], [4]] (out=2, r=1), s = 0.5
    // B A = [[3, 6], [4, 8]] -> s B A = [[1.5, 3], [2, 4]]
    try (NDScope scope = new NDScope()) {
      NDArray a =
          encoder.manager().create(new float[] {1, 2}, new ai.djl.ndarray.types.Shape(1, 2));
      NDArray b =
          encoder.manager().create(new float[] {3, 4}, new ai.djl.ndarray.types.Shape(2, 1));
      assertThat(LoraMath.deltaWeight(a, b, 0.5f).toFloatArray()).containsExactly(1.5f, 3f, 2f, 4f);
      NDArray x =
          encoder.manager().create(new float[] {1, 1}, new ai.djl.ndarray.types.Shape(1, 2));
      // x (s B A)^T = [1.5 + 3, 2 + 4] = [4.5, 6]
      assertThat(LoraMath.delta(x, a, b, 0.5f, 0f, false).toFloatArray()).containsExactly(4.5f, 6f);
    }
  }

  @Test
  void gradientsReachLoraFactorsAndNotTheBase() {
    LoraConfig config =
        new LoraConfig(4, 8, 0.1, EnumSet.of(LoraTarget.QUERY, LoraTarget.FFN_OUT), false);
    try (LoraAdapter lora = randomTrainedAdapter(config);
        LoraAdapter trainable = LoraAdapter.fromWeights(lora.toWeights(), encoder.manager(), true);
        NDScope scope = new NDScope()) {
      try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray e = encoder.embed(batch, trainable, true);
        gc.backward(e.get(":, 0").sum());
      }
      for (NDArray p : trainable.aParameters()) {
        assertThat(p.getGradient().abs().sum().getFloat()).isGreaterThan(0f);
      }
      for (NDArray p : trainable.bParameters()) {
        assertThat(p.getGradient().abs().sum().getFloat()).isGreaterThan(0f);
      }
      assertThat(encoder.weight(new LoraKey(0, LoraTarget.QUERY)).hasGradient()).isFalse();
    }
  }

  @Test
  void rsLoraScalesByAlphaOverSqrtRank() {
    assertThat(new LoraConfig(16, 8, 0, EnumSet.of(LoraTarget.QUERY), true).scaling())
        .isEqualTo(2.0);
    assertThat(new LoraConfig(16, 8, 0, EnumSet.of(LoraTarget.QUERY), false).scaling())
        .isEqualTo(0.5);
  }

  static float maxAbsDiff(float[] a, float[] b) {
    float m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }

  static double cosine(float[] a, float[] b, int row, int h) {
    double dot = 0, na = 0, nb = 0;
    for (int i = row * h; i < (row + 1) * h; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }
}
