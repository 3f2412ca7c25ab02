package io.lorastream.server.api;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The bytes of a UTF-8 JSON document with every string literal cut to at most {@code cap}
 * characters (Unicode code points, an escape sequence counting as the character it stands for), and
 * nothing else changed. Jackson builds every string it parses in full, so without this an 8 MB text
 * in a request would cost tens of MB of heap before the server could cut it; with it the parser
 * never holds more than {@code cap} characters of any string, and the body streams through a small
 * buffer. The caller passes one more than the longest text it accepts, so that a string it reads at
 * {@code cap} characters is known to have been longer.
 *
 * <p>Only bytes inside string literals are dropped, always whole characters (an escaped surrogate
 * pair is kept or dropped whole) and never the closing quote, so a valid document stays valid and
 * an invalid one stays invalid.
 */
final class StringCappingInputStream extends FilterInputStream {

  private enum State {
    OUTSIDE,
    IN_STRING,
    ESCAPE,
    UNICODE
  }

  private final int cap;
  private final byte[] in = new byte[64 * 1024];
  private int inPos;
  private int inEnd;
  private State state = State.OUTSIDE;
  private int count; // characters kept of the current string
  private boolean
      dropping; // the current string reached the cap: its remaining characters are dropped
  private final byte[] escape =
      new byte[6]; // an escape sequence being read: \n, or backslash-u and 4 hex digits
  private int escapeLength;
  private final byte[] pending = new byte[6]; // output that did not fit the caller's buffer yet
  private int pendingPos;
  private int pendingEnd;

  StringCappingInputStream(InputStream source, int cap) {
    super(source);
    if (cap < 1) {
      throw new IllegalArgumentException("cap must be >= 1, got " + cap);
    }
    this.cap = cap;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] out, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    int written = 0;
    while (written < len) {
      if (pendingPos < pendingEnd) {
        int n = Math.min(len - written, pendingEnd - pendingPos);
        System.arraycopy(pending, pendingPos, out, off + written, n);
        pendingPos += n;
        written += n;
        continue;
      }
      if (inPos == inEnd) {
        if (written > 0) {
          return written; // do not block for more once there is something to return
        }
        inEnd = super.read(in, 0, in.length);
        inPos = 0;
        if (inEnd <= 0) {
          inEnd = 0;
          return -1;
        }
      }
      if (len - written >= escape.length) {
        written += step(in[inPos++], out, off + written);
      } else { // too little room for a whole escape sequence: go through the pending buffer
        pendingPos = 0;
        pendingEnd = step(in[inPos++], pending, 0);
      }
    }
    return written;
  }

  /** Handles one input byte; returns how many bytes it wrote at {@code out[at]}. */
  private int step(byte b, byte[] out, int at) {
    switch (state) {
      case OUTSIDE:
        if (b == '"') {
          state = State.IN_STRING;
          count = 0;
          dropping = false;
        }
        out[at] = b;
        return 1;
      case IN_STRING:
        if (b == '"') {
          state = State.OUTSIDE;
          out[at] = b;
          return 1;
        }
        if (b == '\\') {
          state = State.ESCAPE;
          escape[0] = b;
          escapeLength = 1;
          return 0;
        }
        if ((b & 0xC0)
            != 0x80) { // the first byte of a character (continuation bytes follow its fate)
          if (!dropping && count >= cap) {
            dropping = true;
          }
          if (!dropping) {
            count++;
          }
        }
        if (dropping) {
          return 0;
        }
        out[at] = b;
        return 1;
      case ESCAPE:
        escape[escapeLength++] = b;
        if (b == 'u') {
          state = State.UNICODE;
          return 0;
        }
        return endEscape(false, out, at);
      case UNICODE:
        escape[escapeLength++] = b;
        if (escapeLength < 6) {
          return 0;
        }
        int unit =
            hex(escape[2]) << 12 | hex(escape[3]) << 8 | hex(escape[4]) << 4 | hex(escape[5]);
        return endEscape(unit >= 0xDC00 && unit <= 0xDFFF, out, at);
      default:
        throw new IllegalStateException(String.valueOf(state));
    }
  }

  /**
   * A complete escape sequence; a low surrogate belongs to the character its high surrogate
   * started.
   */
  private int endEscape(boolean lowSurrogate, byte[] out, int at) {
    state = State.IN_STRING;
    if (!lowSurrogate) {
      if (!dropping && count >= cap) {
        dropping = true;
      }
      if (!dropping) {
        count++;
      }
    }
    if (dropping) {
      return 0;
    }
    System.arraycopy(escape, 0, out, at, escapeLength);
    return escapeLength;
  }

  /** A hex digit's value; anything else gives a value the parser will refuse anyway. */
  private static int hex(byte b) {
    int d = Character.digit((char) (b & 0xFF), 16);
    return d < 0 ? 0 : d;
  }

  @Override
  public long skip(long n) throws IOException {
    throw new IOException("skip is not supported");
  }

  @Override
  public int available() {
    return 0;
  }

  @Override
  public boolean markSupported() {
    return false;
  }
}
