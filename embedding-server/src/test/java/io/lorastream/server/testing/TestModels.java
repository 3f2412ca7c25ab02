package io.lorastream.server.testing;

import io.lorastream.model.BaseModelId;
import io.lorastream.model.encoder.EncoderConfig;
import io.lorastream.model.tensor.FloatTensor;
import io.lorastream.model.weights.BaseModel;
import io.lorastream.model.weights.BertWeightNames;
import io.lorastream.model.weights.WeightFingerprint;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** Small random BERT encoders for unit tests that need a real encoder but not the real model. */
public final class TestModels {

  /** V=50, H=16, L=2, N=4, F=32, 32 positions. */
  public static final EncoderConfig TINY =
      new EncoderConfig(50, 16, 2, 4, 32, 32, 2, 1e-12, "gelu");

  private TestModels() {}

  /** Random weights with a stable seed; no tokenizer. */
  public static BaseModel tinyBase(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, FloatTensor> weights = new LinkedHashMap<>();
    for (Map.Entry<String, int[]> e : BertWeightNames.expectedShapes(TINY).entrySet()) {
      FloatTensor t = FloatTensor.zeros(e.getValue());
      boolean gamma = e.getKey().endsWith("LayerNorm.weight");
      for (int i = 0; i < t.data().length; i++) {
        t.data()[i] =
            (float)
                (gamma ? 1 + 0.1 * (random.nextDouble() - 0.5) : 0.2 * (random.nextDouble() - 0.5));
      }
      weights.put(e.getKey(), t);
    }
    return new BaseModel(
        new BaseModelId("test/tiny-bert", WeightFingerprint.sha256(weights)),
        TINY,
        weights,
        Path.of("none"));
  }
}
