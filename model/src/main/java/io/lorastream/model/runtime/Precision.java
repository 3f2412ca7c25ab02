package io.lorastream.model.runtime;

import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/**
 * Floating-point precision of the encoder's weights and activations. BF16 is deliberately absent:
 * any bfloat16 tensor aborts the JVM with this DJL/PyTorch build.
 */
public enum Precision {
  FP32(DataType.FLOAT32),
  FP16(DataType.FLOAT16);

  private final DataType dataType;

  Precision(DataType dataType) {
    this.dataType = dataType;
  }

  public DataType dataType() {
    return dataType;
  }

  public static Precision parse(String s) {
    String n = s.trim().toLowerCase(Locale.ROOT);
    return switch (n) {
      case "fp32", "float32" -> FP32;
      case "fp16", "float16", "half" -> FP16;
      case "bf16", "bfloat16" ->
          throw new IllegalArgumentException(
              "precision '"
                  + s
                  + "' is not supported: bfloat16 aborts the JVM with this DJL build; use fp16 or fp32");
      default ->
          throw new IllegalArgumentException(
              "unknown precision '" + s + "': expected fp32 or fp16");
    };
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
