package io.lorastream.model.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The parsed and validated header of a safetensors file.
 *
 * <p>Layout (huggingface/safetensors): an unsigned 64-bit little-endian length N, N bytes of UTF-8
 * JSON (an object mapping tensor names to {@code {"dtype", "shape", "data_offsets": [begin, end]}}
 * plus an optional {@code "__metadata__"} object of strings), then the data section. Offsets are
 * relative to the data section. Validation follows the reference reader: header at most 100,000,000
 * bytes, duplicate names refused, byte counts equal shape times dtype size, and the tensors tile
 * the data section exactly (no overlap, no hole, nothing after the last tensor).
 *
 * @param entries tensors in data-section order
 * @param metadata the {@code __metadata__} strings, empty when absent
 * @param headerLength N
 * @param dataLength bytes in the data section
 */
public record SafetensorsHeader(
    List<SafetensorsEntry> entries,
    SortedMap<String, String> metadata,
    long headerLength,
    long dataLength) {

  /**
   * The reference implementation's limit; a larger header is refused before anything is allocated.
   */
  public static final long MAX_HEADER_LENGTH = 100_000_000L;

  static final String METADATA_KEY = "__metadata__";

  private static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  public SafetensorsHeader {
    entries = List.copyOf(entries);
    metadata = Collections.unmodifiableSortedMap(new TreeMap<>(metadata));
  }

  /** Byte offset of the data section from the start of the file. */
  public long dataStart() {
    return 8 + headerLength;
  }

  /** The entry named {@code name}, if any. */
  public Optional<SafetensorsEntry> entry(String name) {
    return entries.stream().filter(e -> e.name().equals(name)).findFirst();
  }

  /**
   * Reads the length prefix of a file of {@code fileSize} bytes whose first 8 bytes are {@code
   * prefix}.
   *
   * @return N, checked against the limit and the file size
   */
  static long headerLength(ByteBuffer prefix, long fileSize, String source)
      throws SafetensorsFormatException {
    if (fileSize < 8) {
      throw new SafetensorsFormatException(
          source,
          "truncated: "
              + fileSize
              + " bytes, but a safetensors file starts with an 8-byte header length");
    }
    long n = prefix.order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    if (n < 2 || n > MAX_HEADER_LENGTH) {
      throw new SafetensorsFormatException(
          source,
          "header length "
              + Long.toUnsignedString(n)
              + " is out of range (2.."
              + MAX_HEADER_LENGTH
              + " bytes): not a safetensors file");
    }
    if (n > fileSize - 8) {
      throw new SafetensorsFormatException(
          source,
          "header length "
              + n
              + " exceeds the "
              + (fileSize - 8)
              + " bytes that follow it: the file is truncated or not a safetensors file");
    }
    return n;
  }

  /** Parses and validates header bytes; {@code dataLength} is what follows the header. */
  static SafetensorsHeader parse(byte[] headerBytes, long dataLength, String source)
      throws SafetensorsFormatException {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(headerBytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new SafetensorsFormatException(source, "header is not valid UTF-8", e);
    }
    if (!text.startsWith("{")) {
      throw new SafetensorsFormatException(
          source, "header does not start with '{': not a safetensors file");
    }
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new SafetensorsFormatException(
          source, "header is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new SafetensorsFormatException(
          source, "header could not be read: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new SafetensorsFormatException(source, "header is not a JSON object");
    }

    SortedMap<String, String> metadata = new TreeMap<>();
    List<SafetensorsEntry> entries = new ArrayList<>();
    for (Map.Entry<String, JsonNode> field : root.properties()) {
      if (field.getKey().equals(METADATA_KEY)) {
        readMetadata(field.getValue(), metadata, source);
      } else {
        entries.add(readEntry(field.getKey(), field.getValue(), source));
      }
    }
    entries.sort(
        Comparator.comparingLong(SafetensorsEntry::begin).thenComparingLong(SafetensorsEntry::end));
    checkTiling(entries, dataLength, source);
    return new SafetensorsHeader(entries, metadata, headerBytes.length, dataLength);
  }

  private static void readMetadata(JsonNode node, SortedMap<String, String> into, String source)
      throws SafetensorsFormatException {
    if (!node.isObject()) {
      throw new SafetensorsFormatException(
          source, "__metadata__ must be an object of strings, got " + node);
    }
    for (Map.Entry<String, JsonNode> f : node.properties()) {
      if (!f.getValue().isTextual()) {
        throw new SafetensorsFormatException(
            source,
            "__metadata__ value of '" + f.getKey() + "' must be a string, got " + f.getValue());
      }
      into.put(f.getKey(), f.getValue().textValue());
    }
  }

  private static SafetensorsEntry readEntry(String name, JsonNode node, String source)
      throws SafetensorsFormatException {
    if (!node.isObject()) {
      throw new SafetensorsFormatException(
          source, "tensor '" + name + "' must be described by an object");
    }
    JsonNode dtypeNode = node.get("dtype");
    if (dtypeNode == null || !dtypeNode.isTextual()) {
      throw new SafetensorsFormatException(source, "tensor '" + name + "' has no dtype string");
    }
    String dtypeName = dtypeNode.textValue();
    Optional<SafetensorsDtype> dtype = SafetensorsDtype.fromHeaderName(dtypeName);

    JsonNode shapeNode = node.get("shape");
    if (shapeNode == null || !shapeNode.isArray()) {
      throw new SafetensorsFormatException(source, "tensor '" + name + "' has no shape array");
    }
    long[] shape = new long[shapeNode.size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = nonNegativeLong(shapeNode.get(i), "shape of tensor '" + name + "'", source);
    }

    JsonNode offsets = node.get("data_offsets");
    if (offsets == null || !offsets.isArray() || offsets.size() != 2) {
      throw new SafetensorsFormatException(
          source, "tensor '" + name + "' needs data_offsets [begin, end], got " + offsets);
    }
    long begin = nonNegativeLong(offsets.get(0), "data_offsets of tensor '" + name + "'", source);
    long end = nonNegativeLong(offsets.get(1), "data_offsets of tensor '" + name + "'", source);
    if (end < begin) {
      throw new SafetensorsFormatException(
          source,
          "tensor '"
              + name
              + "' has data_offsets ["
              + begin
              + ", "
              + end
              + "] that end before they begin");
    }

    if (dtype.isPresent()) {
      long expected;
      try {
        long count = 1;
        for (long d : shape) {
          count = Math.multiplyExact(count, d);
        }
        expected = Math.multiplyExact(count, (long) dtype.get().byteSize());
      } catch (ArithmeticException e) {
        throw new SafetensorsFormatException(
            source,
            "tensor '" + name + "' shape " + Arrays.toString(shape) + " overflows a 64-bit size");
      }
      if (expected != end - begin) {
        throw new SafetensorsFormatException(
            source,
            "tensor '"
                + name
                + "' of shape "
                + Arrays.toString(shape)
                + " and dtype "
                + dtypeName
                + " needs "
                + expected
                + " bytes, but its data_offsets ["
                + begin
                + ", "
                + end
                + "] cover "
                + (end - begin));
      }
    }
    return new SafetensorsEntry(name, dtypeName, dtype, shape, begin, end);
  }

  private static long nonNegativeLong(JsonNode n, String what, String source)
      throws SafetensorsFormatException {
    if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0) {
      throw new SafetensorsFormatException(
          source, what + " must hold non-negative integers, got " + n);
    }
    return n.longValue();
  }

  /**
   * Entries sorted by offset must follow each other without gap or overlap and fill the data
   * section.
   */
  private static void checkTiling(List<SafetensorsEntry> sorted, long dataLength, String source)
      throws SafetensorsFormatException {
    long expectedBegin = 0;
    SafetensorsEntry previous = null;
    for (SafetensorsEntry e : sorted) {
      if (e.end() > dataLength) {
        throw new SafetensorsFormatException(
            source,
            "tensor '"
                + e.name()
                + "' data_offsets ["
                + e.begin()
                + ", "
                + e.end()
                + "] lie outside the data section of "
                + dataLength
                + " bytes (file truncated?)");
      }
      if (e.begin() < expectedBegin) {
        throw new SafetensorsFormatException(
            source,
            "tensors '"
                + previous.name()
                + "' ["
                + previous.begin()
                + ", "
                + previous.end()
                + "] and '"
                + e.name()
                + "' ["
                + e.begin()
                + ", "
                + e.end()
                + "] overlap");
      }
      if (e.begin() > expectedBegin) {
        throw new SafetensorsFormatException(
            source,
            "bytes "
                + expectedBegin
                + ".."
                + e.begin()
                + " of the data section belong to no tensor (before '"
                + e.name()
                + "'); the format allows no holes");
      }
      expectedBegin = e.end();
      previous = e;
    }
    if (expectedBegin != dataLength) {
      throw new SafetensorsFormatException(
          source,
          "the data section has "
              + dataLength
              + " bytes but the tensors cover only "
              + expectedBegin
              + ": trailing bytes belong to no tensor");
    }
  }
}
