package io.lorastream.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class VectorsTest {

  @Test
  void truncationKeepsTheLeadingComponentsAtUnitLength() {
    // [0.3, 0.4, 0.866...] has norm 1; its first two, [0.3, 0.4], have norm 0.5, so they become
    // [0.6, 0.8]
    float[] v = {0.3f, 0.4f, (float) Math.sqrt(0.75)};
    float[] t = Vectors.truncate(v, 2);
    assertThat(t[0]).isCloseTo(0.6f, within(1e-6f));
    assertThat(t[1]).isCloseTo(0.8f, within(1e-6f));
  }

  @Test
  void fullWidthIsACopyOfTheVector() {
    float[] v = {0.6f, 0.8f};
    assertThat(Vectors.truncate(v, 2)).containsExactly(0.6f, 0.8f).isNotSameAs(v);
  }

  @Test
  void base64IsLittleEndianFloat32AsOpenAiSendsIt() {
    // 1.0f = 0x3F800000 -> bytes 00 00 80 3F -> "AACAPw=="; -2.0f = 0xC0000000 -> 00 00 00 C0 ->
    // "AAAAwA=="
    assertThat(Vectors.base64(new float[] {1.0f})).isEqualTo("AACAPw==");
    assertThat(Vectors.base64(new float[] {1.0f, -2.0f})).isEqualTo("AACAPwAAAMA=");
    assertThat(Vectors.fromBase64("AACAPwAAAMA=")).containsExactly(1.0f, -2.0f);
  }
}
