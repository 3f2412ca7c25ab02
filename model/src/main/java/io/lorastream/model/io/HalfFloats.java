package io.lorastream.model.io;

/**
 * Widening of 16-bit floats to float32, exact for every input (both formats are subsets of
 * float32). Java 17 has no {@code Float.float16ToFloat} (it arrived in Java 20), hence these few
 * lines.
 */
public final class HalfFloats {
  private HalfFloats() {}

  /** IEEE 754 binary16 (1 sign, 5 exponent, 10 mantissa bits) to float32. */
  public static float f16ToFloat(short bits) {
    int h = bits & 0xFFFF;
    int sign = (h & 0x8000) << 16;
    int exponent = (h >>> 10) & 0x1F;
    int mantissa = h & 0x3FF;
    if (exponent == 0x1F) {
      // infinity or NaN: keep the payload bits in the top of the float mantissa
      return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      if (mantissa == 0) {
        return Float.intBitsToFloat(sign); // signed zero
      }
      // subnormal: value = mantissa * 2^-24, exactly representable as a normal float32
      float magnitude = mantissa * 0x1.0p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    // normal: rebias the exponent from 15 to 127
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  /** bfloat16 (the top 16 bits of a float32) to float32. */
  public static float bf16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xFFFF) << 16);
  }
}
