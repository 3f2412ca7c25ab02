package io.lorastream.model.weights;

import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.model.encoder.EncoderConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaseModelLoaderIT {

  @TempDir Path dir;

  @Test
  void bundledOnnxConvertsToAFolderThatLoadsToTheSameWeights() throws Exception {
    BaseModel fromOnnx = BaseModelLoader.convertBundled(dir);
    HuggingFaceFolder.write(fromOnnx, dir);
    BaseModel fromFolder = HuggingFaceFolder.load(dir);

    assertThat(fromOnnx.config()).isEqualTo(EncoderConfig.MINILM_L6);
    assertThat(fromFolder.id()).isEqualTo(fromOnnx.id());
    assertThat(fromFolder.id().name()).isEqualTo(BaseModelLoader.DEFAULT_MODEL);
    assertThat(fromFolder.weights().keySet()).isEqualTo(fromOnnx.weights().keySet());
    fromOnnx
        .weights()
        .forEach((name, t) -> assertThat(fromFolder.weights().get(name)).as(name).isEqualTo(t));
    assertThat(Files.size(dir.resolve("model.safetensors"))).isGreaterThan(80_000_000L);
  }

  @Test
  void linearWeightsComeBackTransposedToOutByIn() throws Exception {
    BaseModel model = BaseModelLoader.convertBundled(dir);
    assertThat(model.weights().get("encoder.layer.0.intermediate.dense.weight").shape())
        .containsExactly(1536, 384);
    assertThat(model.weights().get("encoder.layer.5.output.dense.weight").shape())
        .containsExactly(384, 1536);
  }
}
