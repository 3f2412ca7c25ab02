package io.lorastream.schemas;

/**
 * Strict UTF-8 checking without decoding: record values are checked before they are parsed as JSON,
 * and decoding them into a String only to throw it away cost as much as the parse. Well-formed
 * means RFC 3629 (Unicode table 3-7): no overlong forms, no surrogates (U+D800..U+DFFF), nothing
 * above U+10FFFF, no truncated sequence; the same bytes the JDK's UTF-8 decoder rejects with {@code
 * CodingErrorAction.REPORT}.
 */
final class Utf8 {
  private Utf8() {}

  /**
   * The offset of the first byte of the first ill-formed sequence, or -1 if {@code bytes} are
   * well-formed UTF-8.
   */
  static int firstMalformed(byte[] bytes) {
    int n = bytes.length;
    int i = 0;
    while (i < n) {
      int b = bytes[i];
      if (b >= 0) { // ASCII, the common case
        i++;
        continue;
      }
      b &= 0xff;
      if (b < 0xC2) { // a continuation byte first, or an overlong 2-byte form
        return i;
      }
      if (b < 0xE0) {
        if (i + 1 >= n || !continuation(bytes[i + 1])) {
          return i;
        }
        i += 2;
      } else if (b < 0xF0) {
        if (i + 2 >= n) {
          return i;
        }
        int b1 = bytes[i + 1] & 0xff;
        boolean ok =
            switch (b) {
              case 0xE0 -> b1 >= 0xA0 && b1 <= 0xBF; // no overlong 3-byte forms
              case 0xED -> b1 >= 0x80 && b1 <= 0x9F; // no surrogates
              default -> continuation(bytes[i + 1]);
            };
        if (!ok || !continuation(bytes[i + 2])) {
          return i;
        }
        i += 3;
      } else if (b < 0xF5) {
        if (i + 3 >= n) {
          return i;
        }
        int b1 = bytes[i + 1] & 0xff;
        boolean ok =
            switch (b) {
              case 0xF0 -> b1 >= 0x90 && b1 <= 0xBF; // no overlong 4-byte forms
              case 0xF4 -> b1 >= 0x80 && b1 <= 0x8F; // nothing above U+10FFFF
              default -> continuation(bytes[i + 1]);
            };
        if (!ok || !continuation(bytes[i + 2]) || !continuation(bytes[i + 3])) {
          return i;
        }
        i += 4;
      } else {
        return i;
      }
    }
    return -1;
  }

  private static boolean continuation(byte b) {
    return (b & 0xC0) == 0x80;
  }
}
