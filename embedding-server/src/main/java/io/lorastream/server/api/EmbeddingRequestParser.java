package io.lorastream.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lorastream.model.InputType;
import io.lorastream.server.adapters.ModelSpec;
import io.lorastream.server.config.RequestLimits;
import io.lorastream.server.config.TextLimitPolicy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads and checks a {@code POST /v1/embeddings} body as OpenAI's API defines it, plus {@code
 * input_type}. Every problem is a 400 naming the field ({@code param}) and what is accepted.
 * Unknown fields (e.g. {@code user}) are ignored, as OpenAI does.
 *
 * <p>Then the character limits, before any text reaches the tokenizer: a text over {@code
 * max-text-chars} code points is cut to that length (text-limit-policy truncate; it would lose
 * those characters to max-length anyway) or refused with 413 (reject); the texts together, after
 * cutting, must stay within {@code max-request-chars} (413 otherwise, whatever the policy: a
 * request cannot be cut sensibly). Strings are cut while the body streams in, so an over-long text
 * never sits in memory whole.
 */
public final class EmbeddingRequestParser {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The shortest any JSON string of a request is cut to while it streams in (a model name's length
   * is bounded too).
   */
  static final int MIN_STRING_CAP = 1024;

  private final int maxInputs;
  private final int maxTextChars;
  private final long maxRequestChars;
  private final TextLimitPolicy policy;
  private final int dimension;
  private final String baseModelName;

  /**
   * @param limits texts per request, characters per text and per request
   * @param policy whether a text over max-text-chars is cut or refused
   * @param dimension the model's full vector width (the largest valid {@code dimensions})
   * @param baseModelName accepted as a synonym of {@code base}
   */
  public EmbeddingRequestParser(
      RequestLimits limits, TextLimitPolicy policy, int dimension, String baseModelName) {
    this.maxInputs = limits.maxInputs();
    this.maxTextChars = limits.maxTextChars();
    this.maxRequestChars = limits.maxRequestChars();
    this.policy = policy;
    this.dimension = dimension;
    this.baseModelName = baseModelName;
  }

  /** Parses a body held in memory (tests, tools). */
  public EmbeddingRequest parse(byte[] body) {
    return parse(new ByteArrayInputStream(body));
  }

  /**
   * Parses a body as it streams in. Every JSON string is cut to max-text-chars + 1 characters on
   * the way into the parser ({@link StringCappingInputStream}), so no text is ever held longer than
   * that; one that arrives at that length was longer than max-text-chars. Keys and model names are
   * strings too: the cap is never below {@link #MIN_STRING_CAP}, so they are never cut.
   */
  public EmbeddingRequest parse(InputStream body) {
    JsonNode root;
    try {
      root =
          JSON.readTree(
              new StringCappingInputStream(body, Math.max(MIN_STRING_CAP, maxTextChars + 1)));
    } catch (JsonBody.TooLarge e) {
      throw e.answer();
    } catch (JsonProcessingException e) {
      throw ApiErrors.badRequest(
          "We could not parse the JSON body of your request: "
              + e.getOriginalMessage()
              + ". Send a JSON object such as {\"input\": \"text\", \"model\": \"base\"}.",
          null,
          "invalid_json");
    } catch (IOException e) {
      throw ApiErrors.badRequest(
          "The request body could not be read: " + e.getMessage(), null, "invalid_json");
    }
    if (root == null || root.isMissingNode() || !root.isObject()) {
      throw ApiErrors.badRequest(
          "The request body must be a JSON object such as {\"input\": \"text\", \"model\": \"base\"}.",
          null,
          "invalid_json");
    }
    List<String> input = input(root.get("input"));
    ModelSpec model = model(root.get("model"));
    Integer dimensions = dimensions(root.get("dimensions"));
    EncodingFormat format = encodingFormat(root.get("encoding_format"));
    InputType type = inputType(root.get("input_type"));
    Set<Integer> cut = new HashSet<>();
    long total = 0;
    for (int i = 0; i < input.size(); i++) {
      String text = input.get(i);
      if (text.length() > maxTextChars) { // UTF-16 length >= code points: only then can it be over
        int chars = text.codePointCount(0, text.length());
        if (chars > maxTextChars) {
          if (policy == TextLimitPolicy.REJECT) {
            throw ApiErrors.tooLarge(
                "'input["
                    + i
                    + "]' is longer than "
                    + maxTextChars
                    + " characters, the most accepted per text"
                    + " (max-text-chars; this server refuses long texts: text-limit-policy=reject). Shorten it.",
                "input",
                "input_too_long");
          }
          text = text.substring(0, text.offsetByCodePoints(0, maxTextChars));
          input.set(i, text);
          cut.add(i);
        }
      }
      total += text.codePointCount(0, text.length());
    }
    if (total > maxRequestChars) {
      throw ApiErrors.tooLarge(
          "'input' holds "
              + total
              + " characters in all"
              + (cut.isEmpty()
                  ? ""
                  : " (after cutting texts to" + " max-text-chars=" + maxTextChars + ")")
              + "; at most "
              + maxRequestChars
              + " are accepted per request"
              + " (max-request-chars). Send fewer or shorter texts per request.",
          "input",
          "request_too_large");
    }
    return new EmbeddingRequest(input, model, dimensions, format, type, cut);
  }

  private List<String> input(JsonNode n) {
    if (n == null || n.isNull()) {
      throw ApiErrors.badRequest("'input' is required: a string or an array of strings.", "input");
    }
    if (n.isTextual()) {
      if (n.asText().isEmpty()) {
        throw ApiErrors.badRequest("'input' must not be an empty string.", "input");
      }
      return new ArrayList<>(List.of(n.asText()));
    }
    if (!n.isArray()) {
      throw ApiErrors.badRequest(
          "'input' must be a string or an array of strings, got "
              + n.getNodeType().toString().toLowerCase(Locale.ROOT)
              + ".",
          "input");
    }
    if (n.isEmpty()) {
      throw ApiErrors.badRequest(
          "'input' must not be an empty array: send at least one text.", "input");
    }
    if (n.size() > maxInputs) {
      throw ApiErrors.badRequest(
          "'input' has "
              + n.size()
              + " texts; at most "
              + maxInputs
              + " are accepted per request. Split it into"
              + " several requests.",
          "input",
          "too_many_inputs");
    }
    List<String> texts = new ArrayList<>(n.size());
    for (int i = 0; i < n.size(); i++) {
      JsonNode e = n.get(i);
      if (e.isNumber() || e.isArray()) {
        throw ApiErrors.badRequest(
            "'input' holds token ids (at index "
                + i
                + "); this server embeds text only: send the texts as"
                + " strings (the OpenAI clients send strings unless given token ids).",
            "input",
            "token_ids_unsupported");
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
          "'model' is required: 'base', '<adapter>' (its current version) or '<adapter>@<version>'.",
          "model");
    }
    if (!n.isTextual()) {
      throw ApiErrors.badRequest("'model' must be a string.", "model");
    }
    try {
      return ModelSpec.parse(n.asText(), baseModelName);
    } catch (IllegalArgumentException e) {
      throw ApiErrors.notFound(
          "The model '" + n.asText() + "' does not exist: " + e.getMessage(),
          "model",
          "model_not_found");
    }
  }

  private Integer dimensions(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isIntegralNumber() || !n.canConvertToInt()) {
      throw ApiErrors.badRequest(
          "'dimensions' must be an integer from 1 to " + dimension + ", got " + n + ".",
          "dimensions");
    }
    int d = n.asInt();
    if (d < 1 || d > dimension) {
      throw ApiErrors.badRequest(
          "'dimensions' must be from 1 to " + dimension + " (the model's width), got " + d + ".",
          "dimensions");
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
      default ->
          throw ApiErrors.badRequest(
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
      default ->
          throw ApiErrors.badRequest(
              "'input_type' must be 'query' (the default) or 'document', got " + n + ".",
              "input_type");
    };
  }
}
