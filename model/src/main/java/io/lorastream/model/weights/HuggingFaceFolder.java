package io.lorastream.model.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lorastream.model.encoder.EncoderConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * A local Hugging Face model folder of the BERT family: {@code config.json},
 * {@code model.safetensors} and {@code tokenizer.json}.
 */
public final class HuggingFaceFolder {

  private static final Set<String> SUPPORTED_TYPES = Set.of("bert");

  private HuggingFaceFolder() {}

  public static BaseModel load(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException(
          "model folder " + dir + " does not exist: expected a Hugging Face folder with config.json,"
              + " model.safetensors and tokenizer.json, or 'default' for the bundled all-MiniLM-L6-v2");
    }
    EncoderConfig config = readConfig(dir.resolve("config.json"));
    throw new IOException("TODO safetensors " + config);
  }

  /** Reads a BERT {@code config.json}; other architectures are refused with the file named. */
  public static EncoderConfig readConfig(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("missing " + file + ": a Hugging Face model folder needs its config.json");
    }
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException(file + " is not valid JSON: " + e.getMessage(), e);
    }
    String type = root.path("model_type").asText("");
    if (!SUPPORTED_TYPES.contains(type)) {
      throw new IOException(
          file + " declares model_type '" + type + "': lorastream supports BERT-family encoders (model_type 'bert')");
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
      throw new IOException(file + " lacks the integer field '" + field + "' that a BERT config.json has");
    }
    return n.asInt();
  }
}
