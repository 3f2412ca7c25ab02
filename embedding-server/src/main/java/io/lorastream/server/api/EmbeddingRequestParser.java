package io.lorastream.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lorastream.model.InputType;
import io.lorastream.server.adapters.ModelSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads and checks a {@code POST /v1/embeddings} body as OpenAI's API defines it, plus {@code input_type}.
 * Every problem is a 400 naming the field ({@code param}) and what is accepted. Unknown fields (e.g.
 * {@code user}) are ignored, as OpenAI does.
 */
public final class EmbeddingRequestParser {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final int maxInputs;
  private final int dimension;
  private final String baseModelName;

  /**
   * @param maxInputs texts per request
   * @param dimension the model's full vector width (the largest valid {@code dimensions})
   * @param baseModelName accepted as a synonym of {@code base}
   */
  public EmbeddingRequestParser(int maxInputs, int dimension, String baseModelName) {
    this.maxInputs = maxInputs;
    this.dimension = dimension;
    this.baseModelName = baseModelName;
  }

  public EmbeddingRequest parse(byte[] body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw ApiErrors.badRequest(
          "We could not parse the JSON body of your request: " + e.getOriginalMessage()
              + ". Send a JSON object such as {\"input\": \"text\", \"model\": \"base\"}.", null, "invalid_json");
    } catch (IOException e) {
      throw ApiErrors.badRequest("The request body could not be read: " + e.getMessage(), null, "invalid_json");
    }
    if (root == null || root.isMissingNode() || !root.isObject()) {
      throw ApiErrors.badRequest(
          "The request body must be a JSON object such as {\"input\": \"text\", \"model\": \"base\"}.", null,
          "invalid_json");
    }
    List<String> input = input(root.get("input"));
    ModelSpec model = model(root.get("model"));
    return new EmbeddingRequest(
        input, model, dimensions(root.get("dimensions")), encodingFormat(root.get("encoding_format")),
        inputType(root.get("input_type")));
  }

  private List<String> input(JsonNode n) {
    if (n == null || n.isNull()) {
      throw ApiErrors.badRequest("'input' is required: a string or an array of strings.", "input");
    }
    if (n.isTextual()) {
      if (n.asText().isEmpty()) {
        throw ApiErrors.badRequest("'input' must not be an empty string.", "input");
      }
      return List.of(n.asText());
    }
    if (!n.isArray()) {
      throw ApiErrors.badRequest(
          "'input' must be a string or an array of strings, got " + n.getNodeType().toString().toLowerCase(Locale.ROOT)
              + ".", "input");
    }
    if (n.isEmpty()) {
      throw ApiErrors.badRequest("'input' must not be an empty array: send at least one text.", "input");
    }
    if (n.size() > maxInputs) {
      throw ApiErrors.badRequest(
          "'input' has " + n.size() + " texts; at most " + maxInputs + " are accepted per request. Split it into"
              + " several requests.", "input", "too_many_inputs");
    }
    List<String> texts = new ArrayList<>(n.size());
    for (int i = 0; i < n.size(); i++) {
      JsonNode e = n.get(i);
      if (e.isNumber() || e.isArray()) {
        throw ApiErrors.badRequest(
            "'input' holds token ids (at index " + i + "); this server embeds text only: send the texts as"
                + " strings (the OpenAI clients send strings unless given token ids).", "input", "token_ids_unsupported");
      }
      if (!e.isTextual()) {
        throw ApiErrors.badRequest("'input[" + i + "]' must be a string.", "input");
      }
      if (e.asText().isEmpty()) {
        throw ApiErrors.badRequest("'input[" + i + "]' must not be an empty string.", "input");
      }
      texts.add(e.asText());
    }
    return texts;
  }

  private ModelSpec model(JsonNode n) {
    if (n == null || n.isNull()) {
      throw ApiErrors.badRequest(
          "'model' is required: 'base', '<adapter>' (its current version) or '<adapter>@<version>'.", "model");
    }
    if (!n.isTextual()) {
      throw ApiErrors.badRequest("'model' must be a string.", "model");
    }
    try {
      return ModelSpec.parse(n.asText(), baseModelName);
    } catch (IllegalArgumentException e) {
      throw ApiErrors.notFound("The model '" + n.asText() + "' does not exist: " + e.getMessage(), "model",
          "model_not_found");
    }
  }

  private Integer dimensions(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isIntegralNumber() || !n.canConvertToInt()) {
      throw ApiErrors.badRequest("'dimensions' must be an integer from 1 to " + dimension + ", got " + n + ".",
          "dimensions");
    }
    int d = n.asInt();
    if (d < 1 || d > dimension) {
      throw ApiErrors.badRequest(
          "'dimensions' must be from 1 to " + dimension + " (the model's width), got " + d + ".", "dimensions");
    }
    return d;
  }

  private static EncodingFormat encodingFormat(JsonNode n) {
    if (n == null || n.isNull()) {
      return EncodingFormat.FLOAT;
    }
    String s = n.isTextual() ? n.asText() : n.toString();
    return switch (s) {
      case "float" -> EncodingFormat.FLOAT;
      case "base64" -> EncodingFormat.BASE64;
      default -> throw ApiErrors.badRequest(
          "'encoding_format' must be 'float' or 'base64', got " + n + ".", "encoding_format");
    };
  }

  private static InputType inputType(JsonNode n) {
    if (n == null || n.isNull()) {
      return InputType.QUERY;
    }
    String s = n.isTextual() ? n.asText() : n.toString();
    return switch (s) {
      case "query" -> InputType.QUERY;
      case "document" -> InputType.DOCUMENT;
      default -> throw ApiErrors.badRequest(
          "'input_type' must be 'query' (the default) or 'document', got " + n + ".", "input_type");
    };
  }
}
