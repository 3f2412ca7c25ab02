package io.lorastream.trainer;

import java.util.Locale;

/**
 * AutoTrain's {@code mixed-precision}: FP16 forward/backward with float32 master weights, or not.
 */
public enum MixedPrecision {
  /** FP16 when the base runs in FP16 (GPU), off otherwise. */
  AUTO,
  FP16,
  NONE;

  public static MixedPrecision parse(String s) {
    return switch (s.strip().toLowerCase(Locale.ROOT)) {
      case "auto" -> AUTO;
      case "fp16", "true", "yes", "on" -> FP16;
      case "none", "no", "false", "off", "fp32" -> NONE;
      case "bf16" ->
          throw new IllegalArgumentException(
              "mixed-precision bf16 is not supported: any bfloat16 tensor aborts the JVM with this DJL build; use fp16");
      default ->
          throw new IllegalArgumentException(
              "mixed-precision must be auto, fp16 or none, got '" + s + "'");
    };
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
