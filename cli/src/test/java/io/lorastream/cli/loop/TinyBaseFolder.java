package io.lorastream.cli.loop;

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
 * A small random BERT (H=16, 2 layers, 64 positions) with the real WordPiece tokenizer, written as
 * a Hugging Face folder: the trainer and the server load it as any base ({@code base-model:
 * <folder>}), and its training steps and forward passes take milliseconds, so a test of the whole
 * loop is about Kafka, not the model.
 */
final class TinyBaseFolder {

  static final EncoderConfig TINY = new EncoderConfig(30522, 16, 2, 4, 32, 64, 2, 1e-12, "gelu");

  private TinyBaseFolder() {}

  static Path write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path tokenizer = dir.resolve("tokenizer.json");
    try (InputStream in =
        TinyBaseFolder.class
            .getClassLoader()
            .getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
      if (in == null) {
        throw new IllegalStateException(
            "all-minilm-l6-v2-tokenizer.json is not on the test classpath");
      }
      Files.copy(in, tokenizer, StandardCopyOption.REPLACE_EXISTING);
    }
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
    HuggingFaceFolder.write(
        new BaseModel(
            new BaseModelId("tiny-loop-test", WeightFingerprint.sha256(weights)),
            TINY,
            weights,
            tokenizer),
        dir);
    return dir;
  }
}
