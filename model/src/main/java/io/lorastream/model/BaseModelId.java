package io.lorastream.model;

import java.util.regex.Pattern;

/**
 * Identifies the frozen base model an adapter belongs to.
 *
 * @param name a human name, e.g. {@code sentence-transformers/all-MiniLM-L6-v2}
 * @param sha256 hex sha256 over the base weights in canonical form (names sorted, float32 little
 *     endian); two loads of the same weights from different files (ONNX or safetensors) give the
 *     same hash
 */
public record BaseModelId(String name, String sha256) {
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  public BaseModelId {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("base model name must not be blank");
    }
    if (sha256 == null || !HEX64.matcher(sha256).matches()) {
      throw new IllegalArgumentException(
          "base model sha256 must be 64 lowercase hex digits, got " + sha256);
    }
  }
}
