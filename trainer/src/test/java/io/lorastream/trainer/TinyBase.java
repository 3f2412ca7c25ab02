package io.lorastream.trainer;

import io.lorastream.model.BaseModelId;
import io.lorastream.model.encoder.EncoderConfig;
import io.lorastream.model.tensor.FloatTensor;
import io.lorastream.model.weights.BaseModel;
import io.lorastream.model.weights.BertWeightNames;
import io.lorastream.model.weights.HuggingFaceFolder;
import io.lorastream.model.weights.WeightFingerprint;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A small random BERT (H=16, 2 layers) with the real WordPiece tokenizer: fast training steps for
 * tests.
 */
public final class TinyBase {

  public static final EncoderConfig TINY =
      new EncoderConfig(30522, 16, 2, 4, 32, 64, 2, 1e-12, "gelu");

  private TinyBase() {}

  /**
   * A Hugging Face folder holding the tiny model, so it loads like any base ({@code base-model:
   * <folder>}).
   */
  public static Path folder(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path tokenizer = dir.resolve("tokenizer.json");
    try (InputStream in =
        TinyBase.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
      Files.copy(in, tokenizer, StandardCopyOption.REPLACE_EXISTING);
    }
    HuggingFaceFolder.write(model(tokenizer), dir);
    return dir;
  }

  public static BaseModel model(Path tokenizer) {
    SplittableRandom random = new SplittableRandom(7);
    Map<String, FloatTensor> weights = new LinkedHashMap<>();
    for (Map.Entry<String, int[]> e : BertWeightNames.expectedShapes(TINY).entrySet()) {
      FloatTensor t = FloatTensor.zeros(e.getValue());
      boolean gamma = e.getKey().endsWith("LayerNorm.weight");
      for (int i = 0; i < t.data().length; i++) {
        double g =
            Math.sqrt(-2 * Math.log(Math.max(random.nextDouble(), 1e-12)))
                * Math.cos(2 * Math.PI * random.nextDouble());
        t.data()[i] = (float) (gamma ? 1 + 0.1 * g : 0.2 * g);
      }
      weights.put(e.getKey(), t);
    }
    return new BaseModel(
        new BaseModelId("tiny-test", WeightFingerprint.sha256(weights)), TINY, weights, tokenizer);
  }
}
