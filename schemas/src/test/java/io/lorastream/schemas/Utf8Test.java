package io.lorastream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8Test {
  /** The reference: the JDK's strict UTF-8 decoder. */
  private static boolean jdkAccepts(byte[] bytes) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  @Test
  void agreesWithTheJdkDecoderOnRandomBytesAndRandomText() {
    Random rnd = new Random(7);
    for (int i = 0; i < 200_000; i++) {
      byte[] b = new byte[rnd.nextInt(8)];
      for (int j = 0; j < b.length; j++) {
        // bias toward the bytes that matter: leads, continuations, boundaries
        b[j] = (byte) (rnd.nextBoolean() ? 0x80 + rnd.nextInt(0x80) : rnd.nextInt(256));
      }
      assertThat(Utf8.firstMalformed(b) < 0)
          .as("bytes %s", java.util.Arrays.toString(b))
          .isEqualTo(jdkAccepts(b));
    }
    for (int i = 0; i < 2_000; i++) {
      StringBuilder sb = new StringBuilder();
      for (int c = 0; c < 30; c++) {
        int cp = rnd.nextInt(0x110000);
        if (cp < 0xD800 || cp > 0xDFFF) {
          sb.appendCodePoint(cp);
        }
      }
      assertThat(Utf8.firstMalformed(sb.toString().getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
    }
  }

  @Test
  void rejectsOverlongFormsSurrogatesTooLargeCodePointsAndTruncation() {
    assertThat(Utf8.firstMalformed(bytes('a', 0xC0, 0x80))).isEqualTo(1); // overlong NUL
    assertThat(Utf8.firstMalformed(bytes(0xE0, 0x80, 0x80))).isEqualTo(0); // overlong 3-byte
    assertThat(Utf8.firstMalformed(bytes(0xED, 0xA0, 0x80))).isEqualTo(0); // U+D800, a surrogate
    assertThat(Utf8.firstMalformed(bytes(0xF0, 0x80, 0x80, 0x80))).isEqualTo(0); // overlong 4-byte
    assertThat(Utf8.firstMalformed(bytes(0xF4, 0x90, 0x80, 0x80))).isEqualTo(0); // U+110000
    assertThat(Utf8.firstMalformed(bytes('a', 'b', 0xE2, 0x82)))
        .isEqualTo(2); // truncated euro sign
    assertThat(Utf8.firstMalformed(bytes(0x80))).isEqualTo(0); // a lone continuation byte
    assertThat(Utf8.firstMalformed(bytes(0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80)))
        .isEqualTo(-1); // € 😀
  }
}
