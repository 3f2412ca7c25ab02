package io.lorastream.model.testing;

import io.lorastream.model.BaseModelId;
import io.lorastream.model.encoder.EncoderConfig;
import io.lorastream.model.tensor.FloatTensor;
import io.lorastream.model.tokenize.TokenBatch;
import io.lorastream.model.tokenize.Tokens;
import io.lorastream.model.weights.BaseModel;
import io.lorastream.model.weights.BertWeightNames;
import io.lorastream.model.weights.WeightFingerprint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Small random BERT encoders for fast unit tests of the encoder and LoRA code paths. */
public final class TinyModels {

  /**
   * H=16, L=2, N=4, F=32, 64 positions; the real WordPiece vocabulary so the bundled tokenizer
   * works.
   */
  public static final EncoderConfig TINY =
      new EncoderConfig(30522, 16, 2, 4, 32, 64, 2, 1e-12, "gelu");

  private TinyModels() {}

  /** Random weights (N(0, 0.2), LayerNorm gammas near 1) with a stable seed. */
  public static BaseModel random(EncoderConfig config, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, FloatTensor> weights = new LinkedHashMap<>();
    for (Map.Entry<String, int[]> e : BertWeightNames.expectedShapes(config).entrySet()) {
      FloatTensor t = FloatTensor.zeros(e.getValue());
      boolean gamma = e.getKey().endsWith("LayerNorm.weight");
      for (int i = 0; i < t.data().length; i++) {
        t.data()[i] = (float) (gamma ? 1 + 0.1 * gaussian(random) : 0.2 * gaussian(random));
      }
      weights.put(e.getKey(), t);
    }
    return new BaseModel(
        new BaseModelId("tiny-test", WeightFingerprint.sha256(weights)),
        config,
        weights,
        Path.of("none"));
  }

  /**
   * A padded batch of random token ids, lengths between 3 and {@code maxLen}, [CLS]=1 ... [SEP]=2.
   */
  public static TokenBatch randomBatch(EncoderConfig config, int size, int maxLen, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Tokens> texts = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      int len = 3 + random.nextInt(maxLen - 2);
      long[] ids = new long[len];
      ids[0] = 1;
      for (int j = 1; j < len - 1; j++) {
        ids[j] = 3 + random.nextInt(config.vocabSize() - 3);
      }
      ids[len - 1] = 2;
      texts.add(new Tokens(ids, new long[len], false));
    }
    return TokenBatch.pad(texts);
  }

  /** The bundled all-MiniLM-L6-v2 tokenizer.json, copied into {@code dir}. */
  public static Path tokenizerJson(Path dir) throws java.io.IOException {
    Path target = dir.resolve("tokenizer.json");
    try (java.io.InputStream in =
        TinyModels.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
      java.nio.file.Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return target;
  }

  private static double gaussian(SplittableRandom r) {
    double u = Math.max(r.nextDouble(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
  }
}
