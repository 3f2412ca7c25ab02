package io.lorastream.model.io;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds safetensors bytes by hand from the format's description (8-byte little-endian header
 * length, JSON header, data), independently of {@link Safetensors}: header text is assembled as a
 * string, tensors are laid out in the order given, so tests can also describe files the writer
 * never produces.
 */
public final class SafetensorsBytes {

  private final List<String> headerEntries = new ArrayList<>();
  private final ByteArrayOutputStream data = new ByteArrayOutputStream();
  private String metadataJson;

  /** Adds a tensor whose bytes follow the previous one's. */
  public SafetensorsBytes tensor(String name, String dtype, int[] shape, byte[] bytes) {
    long begin = data.size();
    data.writeBytes(bytes);
    return entry(name, dtype, shape, begin, data.size());
  }

  /** Adds a header entry with explicit offsets, without data. */
  public SafetensorsBytes entry(String name, String dtype, int[] shape, long begin, long end) {
    StringBuilder s = new StringBuilder();
    s.append('"').append(name).append("\":{\"dtype\":\"").append(dtype).append("\",\"shape\":[");
    for (int i = 0; i < shape.length; i++) {
      s.append(i == 0 ? "" : ",").append(shape[i]);
    }
    s.append("],\"data_offsets\":[").append(begin).append(',').append(end).append("]}");
    headerEntries.add(s.toString());
    return this;
  }

  /** Raw bytes appended to the data section. */
  public SafetensorsBytes rawData(byte[] bytes) {
    data.writeBytes(bytes);
    return this;
  }

  public SafetensorsBytes metadata(String json) {
    this.metadataJson = json;
    return this;
  }

  public String headerJson() {
    List<String> parts = new ArrayList<>();
    if (metadataJson != null) {
      parts.add("\"__metadata__\":" + metadataJson);
    }
    parts.addAll(headerEntries);
    return "{" + String.join(",", parts) + "}";
  }

  /** The file, its header padded with spaces to a multiple of 8 bytes when {@code pad}. */
  public byte[] build(boolean pad) {
    return withHeader(headerJson(), pad);
  }

  public byte[] withHeader(String header, boolean pad) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    int padding = pad ? (8 - h.length % 8) % 8 : 0;
    ByteBuffer out =
        ByteBuffer.allocate(8 + h.length + padding + data.size()).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(h.length + padding).put(h);
    for (int i = 0; i < padding; i++) {
      out.put((byte) ' ');
    }
    out.put(data.toByteArray());
    return out.array();
  }

  public static byte[] f32(float... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }

  public static byte[] u16(int... values) {
    ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      b.putShort((short) v);
    }
    return b.array();
  }
}
