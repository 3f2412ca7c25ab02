package io.lorastream.model.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lorastream.model.BaseModelId;
import io.lorastream.model.encoder.EncoderConfig;
import io.lorastream.model.io.AtomicFiles;
import io.lorastream.model.io.Safetensors;
import io.lorastream.model.io.SafetensorsContent;
import io.lorastream.model.tensor.FloatTensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A local Hugging Face model folder of the BERT family: {@code config.json}, {@code
 * model.safetensors} and {@code tokenizer.json}.
 */
public final class HuggingFaceFolder {

  private static final Set<String> SUPPORTED_TYPES = Set.of("bert");
  private static final String NAME_FILE = "lorastream_base.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private HuggingFaceFolder() {}

  public static BaseModel load(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException(
          "model folder "
              + dir
              + " does not exist: expected a Hugging Face folder with config.json,"
              + " model.safetensors and tokenizer.json, or 'default' for the bundled all-MiniLM-L6-v2");
    }
    EncoderConfig config = readConfig(dir.resolve("config.json"));
    Path weightsFile = dir.resolve("model.safetensors");
    if (!Files.isRegularFile(weightsFile)) {
      throw new IOException(
          "missing "
              + weightsFile
              + ": lorastream reads BERT weights from model.safetensors"
              + " (convert a pytorch_model.bin with Hugging Face's safetensors tools)");
    }
    Path tokenizer = dir.resolve("tokenizer.json");
    if (!Files.isRegularFile(tokenizer)) {
      throw new IOException(
          "missing "
              + tokenizer
              + ": a model folder needs the tokenizer.json its model was trained with");
    }
    // Only encoder tensors are read: checkpoints may also carry a pooler or heads in dtypes we
    // never need.
    SafetensorsContent content =
        Safetensors.read(weightsFile, name -> !name.contains("pooler") && !name.startsWith("cls."));
    Map<String, FloatTensor> weights;
    try {
      weights = BertWeightNames.select(content.tensors(), config, weightsFile.toString());
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
    String name = readName(dir);
    return new BaseModel(
        new BaseModelId(name, WeightFingerprint.sha256(weights)), config, weights, tokenizer);
  }

  /**
   * Writes a base model as a Hugging Face folder (config.json, model.safetensors, tokenizer.json),
   * plus {@code lorastream_base.json} naming it. Files are written atomically.
   */
  public static void write(BaseModel model, Path dir) throws IOException {
    Files.createDirectories(dir);
    EncoderConfig c = model.config();
    ObjectNode config = JSON.createObjectNode();
    config.putArray("architectures").add("BertModel");
    config.put("model_type", "bert");
    config.put("vocab_size", c.vocabSize());
    config.put("hidden_size", c.hiddenSize());
    config.put("num_hidden_layers", c.numLayers());
    config.put("num_attention_heads", c.numHeads());
    config.put("intermediate_size", c.intermediateSize());
    config.put("max_position_embeddings", c.maxPositions());
    config.put("type_vocab_size", c.typeVocabSize());
    config.put("layer_norm_eps", c.layerNormEps());
    config.put("hidden_act", c.activation());
    config.put("pad_token_id", 0);
    AtomicFiles.write(
        dir.resolve("config.json"),
        JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(config));
    AtomicFiles.write(
        dir.resolve("model.safetensors"),
        Safetensors.encode(new TreeMap<>(model.weights()), Map.of("format", "pt")));
    if (!model.tokenizerJson().equals(dir.resolve("tokenizer.json"))) {
      AtomicFiles.write(dir.resolve("tokenizer.json"), Files.readAllBytes(model.tokenizerJson()));
    }
    ObjectNode meta = JSON.createObjectNode();
    meta.put("name", model.id().name());
    meta.put("sha256", model.id().sha256());
    AtomicFiles.write(
        dir.resolve(NAME_FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(meta));
  }

  /** The model's name: from lorastream_base.json if we wrote the folder, else the folder's path. */
  private static String readName(Path dir) throws IOException {
    Path file = dir.resolve(NAME_FILE);
    if (Files.isRegularFile(file)) {
      try {
        String name = JSON.readTree(file.toFile()).path("name").asText("");
        if (!name.isBlank()) {
          return name;
        }
      } catch (IOException e) {
        throw new IOException(file + " is not valid JSON: " + e.getMessage(), e);
      }
    }
    return dir.toAbsolutePath().normalize().toString();
  }

  /** Reads a BERT {@code config.json}; other architectures are refused with the file named. */
  public static EncoderConfig readConfig(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException(
          "missing " + file + ": a Hugging Face model folder needs its config.json");
    }
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException(file + " is not valid JSON: " + e.getMessage(), e);
    }
    String type = root.path("model_type").asText("");
    if (!SUPPORTED_TYPES.contains(type)) {
      throw new IOException(
          file
              + " declares model_type '"
              + type
              + "': lorastream supports BERT-family encoders (model_type 'bert')");
    }
    try {
      return new EncoderConfig(
          required(root, "vocab_size", file),
          required(root, "hidden_size", file),
          required(root, "num_hidden_layers", file),
          required(root, "num_attention_heads", file),
          required(root, "intermediate_size", file),
          required(root, "max_position_embeddings", file),
          root.path("type_vocab_size").asInt(2),
          root.path("layer_norm_eps").asDouble(1e-12),
          root.path("hidden_act").asText("gelu"));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  private static int required(JsonNode root, String field, Path file) throws IOException {
    JsonNode n = root.get(field);
    if (n == null || !n.canConvertToInt()) {
      throw new IOException(
          file + " lacks the integer field '" + field + "' that a BERT config.json has");
    }
    return n.asInt();
  }
}
