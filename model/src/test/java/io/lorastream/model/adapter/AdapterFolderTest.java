package io.lorastream.model.adapter;

import static io.lorastream.model.adapter.Fixtures.BASE;
import static io.lorastream.model.adapter.Fixtures.OTHER_BASE;
import static io.lorastream.model.adapter.Fixtures.TINY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lorastream.model.encoder.EncoderConfig;
import io.lorastream.model.io.Safetensors;
import io.lorastream.model.lora.AdapterWeights;
import io.lorastream.model.lora.LoraKey;
import io.lorastream.model.lora.LoraPairWeights;
import io.lorastream.model.lora.LoraTarget;
import io.lorastream.model.tensor.FloatTensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdapterFolderTest {

  @TempDir Path tmp;
  private AdapterWeights weights;
  private Path dir;

  @BeforeEach
  void saveOne() throws Exception {
    weights =
        Fixtures.randomWeights(
            Fixtures.lora(2, LoraTarget.QUERY, LoraTarget.VALUE, LoraTarget.FFN_OUT), TINY, 3);
    dir = tmp.resolve("adapter");
    AdapterFolder.save(dir, weights, BASE, TINY);
  }

  private AbstractThrowableAssert<?, ?> assertRefused(EncoderConfig encoder, RefusalReason reason) {
    return assertThatThrownBy(() -> AdapterFolder.load(dir, BASE, encoder))
        .isInstanceOfSatisfying(
            AdapterFormatException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  private void editConfig(Consumer<ObjectNode> edit) throws Exception {
    Path p = dir.resolve("adapter_config.json");
    ObjectNode o = (ObjectNode) Json.MAPPER.readTree(p.toFile());
    edit.accept(o);
    Files.write(p, Json.pythonStyle(o));
    Files.delete(dir.resolve(AdapterFolder.MANIFEST_FILE)); // now a plain PEFT folder
  }

  private void replaceWeights(Map<String, FloatTensor> tensors) throws Exception {
    Safetensors.write(dir.resolve("adapter_model.safetensors"), tensors, Map.of("format", "pt"));
    Files.delete(dir.resolve(AdapterFolder.MANIFEST_FILE));
  }

  private Map<String, FloatTensor> savedTensors() throws Exception {
    return new TreeMap<>(Safetensors.read(dir.resolve("adapter_model.safetensors")).tensors());
  }

  @Test
  void aSavedAdapterLoadsBackEqualWithItsBaseVerified() throws Exception {
    LoadedAdapter loaded = AdapterFolder.load(dir, BASE, TINY);

    assertThat(loaded.weights()).isEqualTo(weights);
    assertThat(loaded.baseVerified()).isTrue();
  }

  @Test
  void anAdapterForAnotherBaseHashIsRefused() {
    assertThatThrownBy(() -> AdapterFolder.load(dir, OTHER_BASE, TINY))
        .isInstanceOfSatisfying(
            AdapterFormatException.class,
            e -> assertThat(e.reason()).isEqualTo(RefusalReason.OTHER_BASE_MODEL))
        .hasMessageContaining(dir.resolve("lorastream_adapter.json").toString())
        .hasMessageContaining("made for base model test/tiny-bert (sha256 aaaa");
  }

  @Test
  void anAdapterForAnotherEncoderShapeIsRefusedWithOrWithoutTheManifest() throws Exception {
    EncoderConfig wider = new EncoderConfig(100, 12, 2, 2, 16, 32, 2, 1e-12, "gelu");
    assertRefused(wider, RefusalReason.SHAPE_MISMATCH).hasMessageContaining("made for encoder");

    Files.delete(dir.resolve(AdapterFolder.MANIFEST_FILE));
    assertRefused(wider, RefusalReason.SHAPE_MISMATCH)
        .hasMessageContaining(dir.resolve("adapter_model.safetensors").toString())
        .hasMessageContaining("must be [2, 12]");
    EncoderConfig deeper = new EncoderConfig(100, 8, 4, 2, 16, 32, 2, 1e-12, "gelu");
    assertRefused(deeper, RefusalReason.SHAPE_MISMATCH)
        .hasMessageContaining("factors cover layers [0, 1] but the encoder has 4");
    EncoderConfig shallower = new EncoderConfig(100, 8, 1, 2, 16, 32, 2, 1e-12, "gelu");
    assertRefused(shallower, RefusalReason.SHAPE_MISMATCH)
        .hasMessageContaining("adapts layer 1 but the encoder has 1 layers");
  }

  @Test
  void editedWeightsDoNotMatchTheManifestChecksum() throws Exception {
    Path st = dir.resolve("adapter_model.safetensors");
    byte[] bytes = Files.readAllBytes(st);
    bytes[bytes.length - 1] ^= 1;
    Files.write(st, bytes);
    assertRefused(TINY, RefusalReason.CHECKSUM_MISMATCH).hasMessageContaining("hashes to");
  }

  @Test
  void aManifestOfAnUnknownFormatVersionIsRefused() throws Exception {
    Path m = dir.resolve(AdapterFolder.MANIFEST_FILE);
    ObjectNode o = (ObjectNode) Json.MAPPER.readTree(m.toFile());
    o.put("format_version", 7);
    Files.write(m, Json.pythonStyle(o));
    assertRefused(TINY, RefusalReason.UNSUPPORTED_VERSION)
        .hasMessageContaining("format version 7 is not supported")
        .hasMessageContaining("upgrade lorastream");
  }

  @Test
  void unsupportedPeftOptionsAreRefusedNamingTheFileAndField() throws Exception {
    Object[][] cases = {
      {"use_dora", true, "DoRA"},
      {"bias", "all", "bias='none'"},
      {"fan_in_fan_out", true, "fan_in_fan_out=False"},
      {"modules_to_save", "[\"classifier\"]", "extra modules"},
      {"rank_pattern", "{\"query\": 8}", "one rank"},
      {"layers_to_transform", "[0]", "every layer"},
      {"some_future_option", 3, "'some_future_option' = 3"},
      {"peft_type", "IA3", "LoRA adapters only"},
    };
    for (Object[] c : cases) {
      saveOne();
      editConfig(
          o -> {
            try {
              o.set(
                  (String) c[0],
                  Json.MAPPER.readTree(
                      c[1] instanceof String s && !s.startsWith("[") && !s.startsWith("{")
                          ? "\"" + s + "\""
                          : String.valueOf(c[1])));
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
      assertRefused(TINY, RefusalReason.UNSUPPORTED_ADAPTER)
          .as((String) c[0])
          .hasMessageContaining(dir.resolve("adapter_config.json").toString())
          .hasMessageContaining((String) c[2]);
    }
  }

  @Test
  void harmlessUnknownFieldsAtTheirDefaultsAreAccepted() throws Exception {
    editConfig(
        o -> {
          o.putNull("some_future_config");
          o.put("peft_version", "0.99.0");
          o.put("use_future_trick", false);
        });
    assertThat(AdapterFolder.load(dir, BASE, TINY).weights()).isEqualTo(weights);
  }

  @Test
  void aMissingFactorIsRefused() throws Exception {
    Map<String, FloatTensor> t = savedTensors();
    t.remove("base_model.model.encoder.layer.1.attention.self.value.lora_B.weight");
    replaceWeights(t);
    assertRefused(TINY, RefusalReason.MALFORMED)
        .hasMessageContaining("missing lora_B for encoder.layer.1.attention.self.value");
  }

  @Test
  void factorsOfAnotherRankThanTheConfigAreRefused() throws Exception {
    editConfig(o -> o.put("r", 4));
    assertRefused(TINY, RefusalReason.SHAPE_MISMATCH)
        .hasMessageContaining("rank mismatch: adapter_config.json says r=4");
  }

  @Test
  void nonFiniteFactorsAreRefused() throws Exception {
    Map<String, FloatTensor> t = savedTensors();
    String name = "base_model.model.encoder.layer.0.output.dense.lora_A.weight";
    float[] d = t.get(name).data().clone();
    d[5] = Float.NaN;
    t.put(name, new FloatTensor(t.get(name).shape(), d));
    replaceWeights(t);
    assertRefused(TINY, RefusalReason.NON_FINITE)
        .hasMessageContaining("'" + name + "' holds NaN at index 5");
  }

  @Test
  void tensorsThatAreNotPlainLoraFactorsAreRefused() throws Exception {
    Map<String, FloatTensor> t = savedTensors();
    t.put(
        "base_model.model.encoder.layer.0.attention.self.query.lora_magnitude_vector",
        FloatTensor.zeros(8));
    replaceWeights(t);
    assertRefused(TINY, RefusalReason.UNSUPPORTED_ADAPTER)
        .hasMessageContaining("lora_magnitude_vector' is not a LoRA factor");
  }

  @Test
  void factorsForModulesTheConfigDoesNotTargetAreRefused() throws Exception {
    Map<String, FloatTensor> t = savedTensors();
    t.put(
        "base_model.model.encoder.layer.0.attention.self.key.lora_A.weight",
        FloatTensor.zeros(2, 8));
    replaceWeights(t);
    assertRefused(TINY, RefusalReason.MALFORMED)
        .hasMessageContaining("which target_modules in adapter_config.json does not select");
  }

  @Test
  void missingOrPickledFilesAreNamed() throws Exception {
    Files.delete(dir.resolve("adapter_model.safetensors"));
    assertRefused(TINY, RefusalReason.MALFORMED)
        .hasMessageContaining(dir.resolve("adapter_model.safetensors") + ": missing");
    Files.write(dir.resolve("adapter_model.bin"), new byte[] {1});
    assertRefused(TINY, RefusalReason.MALFORMED).hasMessageContaining("safe_serialization=True");
    Files.delete(dir.resolve("adapter_config.json"));
    assertRefused(TINY, RefusalReason.MALFORMED)
        .hasMessageContaining(dir.resolve("adapter_config.json") + ": missing");
    assertThatThrownBy(() -> AdapterFolder.load(tmp.resolve("nowhere"), BASE, TINY))
        .hasMessageContaining("no such adapter folder");
  }

  @Test
  void corruptSafetensorsAreMalformed() throws Exception {
    Files.write(dir.resolve("adapter_model.safetensors"), new byte[] {1, 2, 3});
    Files.delete(dir.resolve(AdapterFolder.MANIFEST_FILE));
    assertRefused(TINY, RefusalReason.MALFORMED).hasMessageContaining("truncated");
  }

  @Test
  void encodingIncompleteWeightsFailsLoudly() {
    TreeMap<LoraKey, LoraPairWeights> pairs = new TreeMap<>(weights.pairs());
    pairs.remove(new LoraKey(1, LoraTarget.QUERY));
    AdapterWeights partial = new AdapterWeights(weights.config(), pairs);
    assertThatThrownBy(() -> PeftAdapterFiles.encode(partial, BASE, TINY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no factors for encoder.layer.1.attention.self.query");
  }

  @Test
  void theAdaptationModeIsRecordedAndReadBackAndDefaultsToBothForPeftFolders() throws Exception {
    assertThat(AdapterFolder.load(dir, BASE, TINY).mode()).isNull();
    assertThat(AdapterFolder.load(dir, BASE, TINY).modeOrBoth()).isEqualTo(AdaptationMode.BOTH);
    AdapterFolder.save(dir, weights, BASE, TINY, AdaptationMode.QUERY);
    LoadedAdapter loaded = AdapterFolder.load(dir, BASE, TINY);
    assertThat(loaded.mode()).isEqualTo(AdaptationMode.QUERY);
    assertThat(loaded.weights()).isEqualTo(weights);
  }
}
