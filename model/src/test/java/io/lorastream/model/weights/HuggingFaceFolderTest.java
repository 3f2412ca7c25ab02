package io.lorastream.model.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lorastream.model.testing.TinyModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HuggingFaceFolderTest {

  @TempDir Path dir;

  private BaseModel writeTiny() throws IOException {
    BaseModel tiny = TinyModels.random(TinyModels.TINY, 3);
    Path tokenizer = Files.writeString(dir.resolve("tok-src.json"), "{}");
    BaseModel withTokenizer = new BaseModel(tiny.id(), tiny.config(), tiny.weights(), tokenizer);
    HuggingFaceFolder.write(withTokenizer, dir.resolve("m"));
    return withTokenizer;
  }

  @Test
  void writtenFolderLoadsBackWithTheSameWeightsNameAndHash() throws IOException {
    BaseModel original = writeTiny();
    BaseModel loaded = HuggingFaceFolder.load(dir.resolve("m"));
    assertThat(loaded.id()).isEqualTo(original.id());
    assertThat(loaded.config()).isEqualTo(original.config());
    assertThat(loaded.weights()).isEqualTo(original.weights());
    assertThat(loaded.tokenizerJson()).isEqualTo(dir.resolve("m").resolve("tokenizer.json"));
  }

  @Test
  void folderWithoutOurNameFileIsNamedByItsPath() throws IOException {
    writeTiny();
    Files.delete(dir.resolve("m").resolve("lorastream_base.json"));
    assertThat(HuggingFaceFolder.load(dir.resolve("m")).id().name())
        .isEqualTo(dir.resolve("m").toAbsolutePath().toString());
  }

  @Test
  void missingFolderSaysWhatAFolderNeeds() {
    assertThatThrownBy(() -> HuggingFaceFolder.load(dir.resolve("nope")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(dir.resolve("nope").toString())
        .hasMessageContaining("config.json");
  }

  @Test
  void missingWeightsFileIsNamed() throws IOException {
    writeTiny();
    Files.delete(dir.resolve("m").resolve("model.safetensors"));
    assertThatThrownBy(() -> HuggingFaceFolder.load(dir.resolve("m")))
        .hasMessageContaining("model.safetensors");
  }

  @Test
  void unsupportedArchitectureIsRefusedNamingTheFile() throws IOException {
    writeTiny();
    Path config = dir.resolve("m").resolve("config.json");
    Files.writeString(config, Files.readString(config).replace("\"bert\"", "\"gpt2\""));
    assertThatThrownBy(() -> HuggingFaceFolder.load(dir.resolve("m")))
        .hasMessageContaining(config.toString())
        .hasMessageContaining("gpt2")
        .hasMessageContaining("BERT");
  }

  @Test
  void corruptWeightsFileIsRefusedNamingTheFile() throws IOException {
    writeTiny();
    Path weights = dir.resolve("m").resolve("model.safetensors");
    byte[] bytes = Files.readAllBytes(weights);
    Files.write(weights, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> HuggingFaceFolder.load(dir.resolve("m")))
        .hasMessageContaining(weights.toString());
  }

  @Test
  void configThatDisagreesWithTheWeightsNamesTensorAndShapes() throws IOException {
    writeTiny();
    Path config = dir.resolve("m").resolve("config.json");
    Files.writeString(
        config,
        Files.readString(config)
            .replace("\"intermediate_size\" : 32", "\"intermediate_size\" : 64"));
    assertThatThrownBy(() -> HuggingFaceFolder.load(dir.resolve("m")))
        .hasMessageContaining("intermediate.dense.weight")
        .hasMessageContaining("[32, 16]")
        .hasMessageContaining("[64, 16]");
  }
}
