package io.lorastream.model.io;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Expected values from the IEEE 754 binary16 and bfloat16 bit layouts, worked out by hand. */
class HalfFloatsTest {

  @Test
  void f16NormalsSubnormalsAndSpecialsWidenExactly() {
    assertThat(HalfFloats.f16ToFloat((short) 0x3C00)).isEqualTo(1.0f); // exponent 15, mantissa 0
    assertThat(HalfFloats.f16ToFloat((short) 0xC000)).isEqualTo(-2.0f);
    assertThat(HalfFloats.f16ToFloat((short) 0x3555))
        .isEqualTo(0.33325195f); // 0x155/1024+1 times 2^-2
    assertThat(HalfFloats.f16ToFloat((short) 0x7BFF)).isEqualTo(65504.0f); // largest finite half
    assertThat(HalfFloats.f16ToFloat((short) 0x0400)).isEqualTo(0x1.0p-14f); // smallest normal
    assertThat(HalfFloats.f16ToFloat((short) 0x0001)).isEqualTo(0x1.0p-24f); // smallest subnormal
    assertThat(HalfFloats.f16ToFloat((short) 0x03FF))
        .isEqualTo(1023 * 0x1.0p-24f); // largest subnormal
    assertThat(HalfFloats.f16ToFloat((short) 0x8001)).isEqualTo(-0x1.0p-24f);
    assertThat(Float.floatToRawIntBits(HalfFloats.f16ToFloat((short) 0x8000)))
        .isEqualTo(0x80000000); // -0
    assertThat(HalfFloats.f16ToFloat((short) 0x7C00)).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(HalfFloats.f16ToFloat((short) 0xFC00)).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(HalfFloats.f16ToFloat((short) 0x7E00)).isNaN();
  }

  @Test
  void bf16IsTheTopHalfOfAFloat32() {
    assertThat(HalfFloats.bf16ToFloat((short) 0x3F80)).isEqualTo(1.0f);
    assertThat(HalfFloats.bf16ToFloat((short) 0x4049)).isEqualTo(3.140625f); // 0x40490000
    assertThat(HalfFloats.bf16ToFloat((short) 0xC2F7)).isEqualTo(-123.5f); // 0xC2F70000
    assertThat(HalfFloats.bf16ToFloat((short) 0x7F80)).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(HalfFloats.bf16ToFloat((short) 0x0001))
        .isEqualTo(Float.intBitsToFloat(0x00010000)); // subnormal
  }
}
