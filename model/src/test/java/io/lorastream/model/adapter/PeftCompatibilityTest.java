package io.lorastream.model.adapter;

import static io.lorastream.model.adapter.Fixtures.BASE;
import static io.lorastream.model.adapter.Fixtures.TINY_BERT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lorastream.model.BaseModelId;
import io.lorastream.model.io.Safetensors;
import io.lorastream.model.io.SafetensorsContent;
import io.lorastream.model.io.SafetensorsDtype;
import io.lorastream.model.io.SafetensorsEntry;
import io.lorastream.model.lora.AdapterWeights;
import io.lorastream.model.lora.LoraConfig;
import io.lorastream.model.lora.LoraKey;
import io.lorastream.model.lora.LoraTarget;
import io.lorastream.model.tensor.FloatTensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Loads in PEFT and from PEFT", checked against fixtures that reproduce what PEFT's
 * save_pretrained writes for a BERT model (see src/test/resources/peft/README.md for the PEFT
 * versions mirrored).
 */
class PeftCompatibilityTest {

  private static final String V016 = "peft/bert-lora-query-value-peft0.16/adapter_config.json";
  private static final String V019 = "peft/bert-lora-dense-rslora-peft0.19/adapter_config.json";

  @TempDir Path tmp;

  private Path peftFolder(String configResource, byte[] weights) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("peft-" + System.nanoTime()));
    Files.write(dir.resolve("adapter_config.json"), Fixtures.resource(configResource));
    Files.write(dir.resolve("adapter_model.safetensors"), weights);
    return dir;
  }

  private static void assertFactorsEqual(
      AdapterWeights w, Map<String, FloatTensor> expected, String prefix, String segment) {
    for (Map.Entry<LoraKey, io.lorastream.model.lora.LoraPairWeights> p : w.pairs().entrySet()) {
      String module = prefix + p.getKey().moduleName();
      assertThat(p.getValue().a())
          .isEqualTo(expected.get(module + ".lora_A" + segment + ".weight"));
      assertThat(p.getValue().b())
          .isEqualTo(expected.get(module + ".lora_B" + segment + ".weight"));
    }
  }

  @Test
  void ourAdapterConfigIsByteForByteWhatPeftWritesForTheSameLoraConfig() throws Exception {
    LoraConfig lora =
        new LoraConfig(4, 8, 0.1, EnumSet.of(LoraTarget.QUERY, LoraTarget.VALUE), false);

    byte[] ours = PeftAdapterConfig.write(lora, "hf-internal-testing/tiny-random-BertModel");

    assertThat(new String(ours, "UTF-8")).isEqualTo(new String(Fixtures.resource(V016), "UTF-8"));
  }

  @Test
  void anAdapterSavedByPeft016LoadsWithItsExactFactors() throws Exception {
    Map<String, FloatTensor> expected = new HashMap<>();
    byte[] weights =
        Fixtures.peftWeights(
            TINY_BERT,
            Set.of(LoraTarget.QUERY, LoraTarget.VALUE),
            4,
            "base_model.model.",
            "",
            false,
            false,
            expected);

    LoadedAdapter loaded = AdapterFolder.load(peftFolder(V016, weights), BASE, TINY_BERT);

    assertThat(loaded.weights().config())
        .isEqualTo(
            new LoraConfig(4, 8, 0.1, EnumSet.of(LoraTarget.QUERY, LoraTarget.VALUE), false));
    assertThat(loaded.weights().pairs()).hasSize(2 * 2);
    assertFactorsEqual(loaded.weights(), expected, "base_model.model.", "");
    assertThat(loaded.baseVerified()).isFalse();
    assertThat(loaded.baseModelNameOrPath()).isEqualTo("hf-internal-testing/tiny-random-BertModel");
    assertThat(loaded.ignoredTensors()).isEmpty();
  }

  @Test
  void anAdapterSavedByPeft019InHalfPrecisionWithPoolerFactorsLoads() throws Exception {
    Map<String, FloatTensor> expected = new HashMap<>();
    EnumSet<LoraTarget> dense =
        EnumSet.of(
            LoraTarget.QUERY,
            LoraTarget.VALUE,
            LoraTarget.ATTENTION_OUTPUT,
            LoraTarget.FFN_IN,
            LoraTarget.FFN_OUT);
    byte[] weights =
        Fixtures.peftWeights(TINY_BERT, dense, 4, "base_model.model.", "", true, true, expected);

    LoadedAdapter loaded = AdapterFolder.load(peftFolder(V019, weights), BASE, TINY_BERT);

    // "dense" selects attention.output.dense, intermediate.dense and output.dense (and the pooler)
    assertThat(loaded.weights().config()).isEqualTo(new LoraConfig(4, 16, 0.05, dense, true));
    assertThat(loaded.weights().config().scaling()).isEqualTo(16 / Math.sqrt(4));
    assertFactorsEqual(loaded.weights(), expected, "base_model.model.", "");
    assertThat(loaded.ignoredTensors())
        .containsExactlyInAnyOrder(
            "base_model.model.pooler.dense.lora_A.weight",
            "base_model.model.pooler.dense.lora_B.weight");
  }

  @Test
  void keyPrefixVariantsLoad() throws Exception {
    for (String[] variant :
        new String[][] {
          {"base_model.model.bert.", ""}, // PEFT on BertForSequenceClassification
          {"base_model.model.", ".default"}, // a raw state dict keeps the adapter name
          {"", ""}, // factors saved relative to the encoder
        }) {
      Map<String, FloatTensor> expected = new HashMap<>();
      byte[] weights =
          Fixtures.peftWeights(
              TINY_BERT,
              Set.of(LoraTarget.QUERY, LoraTarget.VALUE),
              4,
              variant[0],
              variant[1],
              false,
              false,
              expected);

      LoadedAdapter loaded = AdapterFolder.load(peftFolder(V016, weights), BASE, TINY_BERT);

      assertFactorsEqual(loaded.weights(), expected, variant[0], variant[1]);
    }
  }

  /**
   * What PEFT's loader needs from our folder: the config fields of the fixture PEFT itself wrote,
   * with the same JSON types, and the factor names, shapes and dtype set_peft_model_state_dict
   * looks up.
   */
  @Test
  void aFolderWeSaveHasWhatPeftLoads() throws Exception {
    LoraConfig lora =
        new LoraConfig(4, 8, 0.1, EnumSet.of(LoraTarget.QUERY, LoraTarget.VALUE), false);
    AdapterWeights weights = Fixtures.randomWeights(lora, TINY_BERT, 1);
    Path dir = tmp.resolve("ours");
    AdapterFolder.save(
        dir,
        weights,
        new BaseModelId("hf-internal-testing/tiny-random-BertModel", "c".repeat(64)),
        TINY_BERT);

    JsonNode ours = Json.MAPPER.readTree(dir.resolve("adapter_config.json").toFile());
    JsonNode peft = Json.MAPPER.readTree(Fixtures.resource(V016));
    List<String> ourFields = new ArrayList<>();
    ours.fieldNames().forEachRemaining(ourFields::add);
    List<String> peftFields = new ArrayList<>();
    peft.fieldNames().forEachRemaining(peftFields::add);
    assertThat(ourFields).isEqualTo(peftFields);
    for (Iterator<String> it = peft.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      assertThat(ours.get(f).getNodeType()).as(f).isEqualTo(peft.get(f).getNodeType());
    }
    assertThat(ours).isEqualTo(peft);

    Path st = dir.resolve("adapter_model.safetensors");
    List<String> names = new ArrayList<>();
    for (SafetensorsEntry e : Safetensors.readHeader(st).entries()) {
      names.add(e.name());
      assertThat(e.dtype()).contains(SafetensorsDtype.F32);
    }
    assertThat(names)
        .containsExactly(
            "base_model.model.encoder.layer.0.attention.self.query.lora_A.weight",
            "base_model.model.encoder.layer.0.attention.self.query.lora_B.weight",
            "base_model.model.encoder.layer.0.attention.self.value.lora_A.weight",
            "base_model.model.encoder.layer.0.attention.self.value.lora_B.weight",
            "base_model.model.encoder.layer.1.attention.self.query.lora_A.weight",
            "base_model.model.encoder.layer.1.attention.self.query.lora_B.weight",
            "base_model.model.encoder.layer.1.attention.self.value.lora_A.weight",
            "base_model.model.encoder.layer.1.attention.self.value.lora_B.weight");
    SafetensorsContent content = Safetensors.read(st);
    assertThat(content.metadata()).containsExactlyEntriesOf(Map.of("format", "pt"));
    assertThat(
            content
                .tensors()
                .get("base_model.model.encoder.layer.1.attention.self.value.lora_A.weight")
                .shape())
        .containsExactly(4, 32); // [r, in]
    assertThat(
            content
                .tensors()
                .get("base_model.model.encoder.layer.1.attention.self.value.lora_B.weight")
                .shape())
        .containsExactly(32, 4); // [out, r]
  }

  @Test
  void savingTheSameWeightsTwiceGivesIdenticalFiles() throws Exception {
    AdapterWeights w =
        Fixtures.randomWeights(
            Fixtures.lora(2, LoraTarget.QUERY, LoraTarget.FFN_OUT), TINY_BERT, 7);
    AdapterFolder.save(tmp.resolve("a"), w, BASE, TINY_BERT);
    AdapterFolder.save(
        tmp.resolve("b"), Fixtures.randomWeights(w.config(), TINY_BERT, 7), BASE, TINY_BERT);
    for (String f :
        List.of("adapter_config.json", "adapter_model.safetensors", "lorastream_adapter.json")) {
      assertThat(Files.readAllBytes(tmp.resolve("a").resolve(f)))
          .as(f)
          .isEqualTo(Files.readAllBytes(tmp.resolve("b").resolve(f)));
    }
  }
}
