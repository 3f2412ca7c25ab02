package io.lorastream.model.adapter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * JSON reading with errors that name the source and field, and the two ways adapter JSON is
 * written.
 */
final class Json {

  static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /**
   * Python's {@code json.dumps(indent=2)}: two-space indent, {@code ": "}, empty containers as {}
   * and [].
   */
  private static final DefaultPrettyPrinter PYTHON_STYLE =
      new DefaultPrettyPrinter(
              Separators.createDefaultInstance()
                  .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                  .withObjectEmptySeparator("")
                  .withArrayEmptySeparator(""))
          .withObjectIndenter(new DefaultIndenter("  ", "\n"))
          .withArrayIndenter(new DefaultIndenter("  ", "\n"));

  private Json() {}

  static ObjectNode parseObject(byte[] bytes, String source) throws AdapterFormatException {
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new AdapterFormatException(
          RefusalReason.MALFORMED, source + ": not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new AdapterFormatException(
          RefusalReason.MALFORMED, source + ": unreadable: " + e.getMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new AdapterFormatException(
          RefusalReason.MALFORMED, source + ": expected a JSON object");
    }
    return (ObjectNode) node;
  }

  /** Compact, in the order fields were added: the form that goes into signed records. */
  static byte[] compact(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }

  /**
   * As Python's json.dumps(indent=2) lays it out, without a trailing newline (how PEFT writes its
   * config).
   */
  static byte[] pythonStyle(JsonNode node) {
    try {
      return MAPPER.writer(PYTHON_STYLE).writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }

  static JsonNode required(ObjectNode o, String field, String source)
      throws AdapterFormatException {
    JsonNode n = o.get(field);
    if (n == null || n.isNull()) {
      throw malformed(source, "field '" + field + "' is missing");
    }
    return n;
  }

  static String text(ObjectNode o, String field, String source) throws AdapterFormatException {
    JsonNode n = required(o, field, source);
    if (!n.isTextual()) {
      throw malformed(source, "field '" + field + "' must be a string, got " + n);
    }
    return n.textValue();
  }

  static long integer(ObjectNode o, String field, String source) throws AdapterFormatException {
    JsonNode n = required(o, field, source);
    if (!n.isIntegralNumber() || !n.canConvertToLong()) {
      throw malformed(source, "field '" + field + "' must be an integer, got " + n);
    }
    return n.longValue();
  }

  static double number(ObjectNode o, String field, String source) throws AdapterFormatException {
    JsonNode n = required(o, field, source);
    if (!n.isNumber()) {
      throw malformed(source, "field '" + field + "' must be a number, got " + n);
    }
    return n.doubleValue();
  }

  static boolean bool(ObjectNode o, String field, boolean whenAbsent, String source)
      throws AdapterFormatException {
    JsonNode n = o.get(field);
    if (n == null || n.isNull()) {
      return whenAbsent;
    }
    if (!n.isBoolean()) {
      throw malformed(source, "field '" + field + "' must be true or false, got " + n);
    }
    return n.booleanValue();
  }

  static ObjectNode object(ObjectNode o, String field, String source)
      throws AdapterFormatException {
    JsonNode n = required(o, field, source);
    if (!n.isObject()) {
      throw malformed(source, "field '" + field + "' must be an object, got " + n);
    }
    return (ObjectNode) n;
  }

  static AdapterFormatException malformed(String source, String problem) {
    return new AdapterFormatException(RefusalReason.MALFORMED, source + ": " + problem);
  }
}
