package io.lorastream.schemas;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Reads and writes one event type: size and shape within the {@link JsonLimits}, strict UTF-8,
 * JSON, the type's JSON Schema, then the contract's own checks. Every failure is a {@link
 * ContractViolation} naming the reason and the field. Thread-safe.
 */
public final class EventCodec<T> {
  private final EventContract<T> contract;
  private final TextLimits limits;
  private final JsonLimits jsonLimits;
  private final ObjectMapper mapper;

  /**
   * The shared mapper's factory under this codec's {@link JsonLimits}: parsers come from here,
   * trees from the mapper.
   */
  private final JsonFactory parsers;

  private final Schema schema;

  /** A codec under the default {@link JsonLimits}. */
  public EventCodec(EventContract<T> contract, TextLimits limits) {
    this(contract, limits, JsonLimits.DEFAULTS);
  }

  public EventCodec(EventContract<T> contract, TextLimits limits, JsonLimits jsonLimits) {
    this.contract = Objects.requireNonNull(contract, "contract");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.jsonLimits = Objects.requireNonNull(jsonLimits, "json limits");
    this.mapper = EventJson.shared();
    this.parsers =
        mapper.getFactory().rebuild().streamReadConstraints(jsonLimits.constraints()).build();
    this.schema = loadSchema(contract.schemaResource());
  }

  public EventContract<T> contract() {
    return contract;
  }

  /**
   * Validates and maps a record value; a null or empty value is unparseable (tombstones are the
   * serde's business).
   */
  public T decode(byte[] bytes) {
    return toValue(validate(bytes));
  }

  /**
   * Validates a record value against the contract and returns its JSON tree (cheaper than {@link
   * #decode} when only a few fields are needed).
   */
  public JsonNode validate(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      throw new ContractViolation(
          DeadLetterReason.UNPARSEABLE_JSON,
          contract.name() + ": empty value where a JSON object is required");
    }
    if (bytes.length > jsonLimits.maxBytes()) {
      throw new ContractViolation(
          DeadLetterReason.UNPARSEABLE_JSON,
          contract.name() + ": " + JsonLimit.BYTES.describe(bytes.length, jsonLimits));
    }
    int malformed = Utf8.firstMalformed(bytes);
    if (malformed >= 0) {
      throw new ContractViolation(
          DeadLetterReason.INVALID_UTF8,
          contract.name()
              + ": the value is not valid UTF-8 (a malformed byte sequence at byte "
              + malformed
              + ")");
    }
    JsonNode node = readTree(bytes);
    if (node == null || !node.isObject()) {
      throw new ContractViolation(
          DeadLetterReason.UNPARSEABLE_JSON,
          contract.name()
              + ": expected a JSON object, got "
              + (node == null ? "nothing" : node.getNodeType()));
    }
    JsonNode version = node.get("schema_version");
    if (version != null
        && version.canConvertToExactIntegral()
        && !SchemaVersion.isSupported(version.asInt())) {
      throw new ContractViolation(
          DeadLetterReason.UNSUPPORTED_VERSION,
          contract.name()
              + ": schema_version "
              + version.asText()
              + " is not supported; this reader accepts "
              + SchemaVersion.CURRENT);
    }
    List<Error> errors = schema.validate(node);
    if (!errors.isEmpty()) {
      throw violationOf(errors);
    }
    return node;
  }

  /**
   * Maps a tree that {@link #validate} accepted to the record and applies the contract's own
   * checks.
   */
  public T toValue(JsonNode validated) {
    T value;
    try {
      value = mapper.treeToValue(validated, contract.type());
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new ContractViolation(
          DeadLetterReason.SCHEMA_VIOLATION, contract.name() + ": " + rootMessage(e), e);
    }
    contract.checks().check(value, limits);
    return value;
  }

  /**
   * Maps bytes that were validated before (e.g. kept in a state store) without validating again.
   * Throws {@link UncheckedIOException} if they do not parse, which would be a bug.
   */
  public T decodeTrusted(byte[] bytes) {
    try {
      return mapper.readValue(bytes, contract.type());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "bytes that passed validation no longer parse as " + contract.name(), e);
    }
  }

  public byte[] encode(T value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + contract.name() + " as JSON", e);
    }
  }

  /** The key a value must be published under. */
  public String keyOf(T value) {
    return contract.keyOf().apply(value);
  }

  /**
   * Serializer writes JSON; deserializer validates ({@link ContractViolation} on bad input) and
   * maps nulls to null.
   */
  public Serde<T> serde() {
    Serializer<T> serializer = (topic, value) -> value == null ? null : encode(value);
    Deserializer<T> deserializer = (topic, bytes) -> bytes == null ? null : decode(bytes);
    return Serdes.serdeFrom(serializer, deserializer);
  }

  /**
   * Parses well-formed UTF-8 straight from the bytes, under the {@link JsonLimits}. Jackson would
   * guess UTF-16 or UTF-32 from zero bytes among the first four, and skip a UTF-8 byte order mark;
   * such values are read as the characters their bytes decode to in UTF-8 instead (where both are
   * simply not JSON), as a contract that says UTF-8 requires. Null for a value with no JSON in it
   * (only whitespace).
   */
  private JsonNode readTree(byte[] bytes) {
    boolean plain =
        bytes.length >= 4
            && bytes[0] != 0
            && bytes[1] != 0
            && bytes[2] != 0
            && bytes[3] != 0
            && (bytes[0] & 0xff) != 0xEF;
    JsonParser parser = null;
    try {
      parser =
          plain
              ? parsers.createParser(bytes)
              : parsers.createParser(new String(bytes, StandardCharsets.UTF_8));
      return mapper.readTree(parser);
    } catch (StreamConstraintsException e) {
      JsonLimit limit = JsonLimit.of(e);
      String where = where(e.getLocation() != null ? e.getLocation() : parser.currentLocation());
      throw new ContractViolation(
          DeadLetterReason.UNPARSEABLE_JSON,
          contract.name()
              + ": "
              + (limit == null
                  ? "over a JSON limit: " + e.getOriginalMessage()
                  : limit.describe(JsonLimit.found(e), jsonLimits))
              + where);
    } catch (JsonProcessingException e) {
      throw new ContractViolation(
          DeadLetterReason.UNPARSEABLE_JSON,
          contract.name() + ": not JSON: " + e.getOriginalMessage() + where(e.getLocation()));
    } catch (IOException e) {
      throw new UncheckedIOException("reading JSON from memory failed", e);
    } finally {
      if (parser != null) {
        try {
          parser.close();
        } catch (IOException e) {
          // a parser over memory holds nothing to release
        }
      }
    }
  }

  private static String where(JsonLocation location) {
    return location == null || location == JsonLocation.NA
        ? ""
        : " (at " + location.offsetDescription() + ")";
  }

  private ContractViolation violationOf(List<Error> errors) {
    // The most actionable error first: a missing field, then a wrong type, then the rest.
    List<Error> sorted =
        errors.stream().sorted(Comparator.comparingInt(EventCodec::priority)).toList();
    DeadLetterReason reason =
        switch (sorted.get(0).getKeyword()) {
          case "required" -> DeadLetterReason.MISSING_FIELD;
          case "type" -> DeadLetterReason.WRONG_TYPE;
          default -> DeadLetterReason.SCHEMA_VIOLATION;
        };
    String detail = sorted.stream().limit(3).map(Error::toString).collect(Collectors.joining("; "));
    return new ContractViolation(
        reason,
        contract.name() + " breaks " + contract.schemaResource().substring(1) + ": " + detail);
  }

  private static int priority(Error e) {
    return switch (String.valueOf(e.getKeyword())) {
      case "required" -> 0;
      case "type" -> 1;
      default -> 2;
    };
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  private static Schema loadSchema(String resource) {
    SchemaRegistryConfig config =
        SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build();
    SchemaRegistry registry =
        SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12, b -> b.schemaRegistryConfig(config));
    try (InputStream in = EventCodec.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "JSON Schema " + resource + " is missing from the classpath");
      }
      return registry.getSchema(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read JSON Schema " + resource, e);
    }
  }
}
