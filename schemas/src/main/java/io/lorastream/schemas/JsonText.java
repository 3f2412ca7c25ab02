package io.lorastream.schemas;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * A text held as the content of a JSON string: its UTF-8 bytes with JSON's escapes applied, exactly
 * as the events' Jackson setup escapes them ({@link EventJson}), so that it is copied into a JSON
 * document without another look.
 *
 * <p>Why: a training pair carries 1 + k passages of kilobytes each; escaping them byte by byte on
 * every pair was the costliest step of writing one. A passage is escaped once, when it is stored
 * ({@link #stored}), and every pair that uses it copies the result.
 */
public final class JsonText {
  /**
   * Starts the stored form; 0xFF never occurs in UTF-8, so plain UTF-8 stored earlier is told
   * apart.
   */
  private static final byte STORED_MARKER = (byte) 0xFF;

  private static final JsonFactory JSON = EventJson.shared().getFactory();

  private final byte[] bytes;
  private final int offset;

  private JsonText(byte[] bytes, int offset) {
    this.bytes = bytes;
    this.offset = offset;
  }

  /** Escapes well-formed UTF-8 (an event codec has checked it). */
  public static JsonText escape(byte[] utf8) {
    Objects.requireNonNull(utf8, "utf8");
    try (ByteArrayBuilder out = new ByteArrayBuilder(utf8.length + 16);
        JsonGenerator g = JSON.createGenerator(out)) {
      g.writeUTF8String(utf8, 0, utf8.length);
      g.flush();
      byte[] quoted = out.toByteArray();
      // [marker][content] with the marker where the opening quote was: the stored form needs no
      // further copy
      quoted[0] = STORED_MARKER;
      return new JsonText(Arrays.copyOf(quoted, quoted.length - 1), 1);
    } catch (IOException e) {
      throw new UncheckedIOException("escaping a text in memory failed", e);
    }
  }

  /**
   * The form to keep in a store: a 0xFF byte, then the escaped content (may be this text's own
   * array).
   */
  public byte[] stored() {
    if (offset == 1 && bytes[0] == STORED_MARKER) {
      return bytes;
    }
    byte[] out = new byte[1 + length()];
    out[0] = STORED_MARKER;
    System.arraycopy(bytes, offset, out, 1, length());
    return out;
  }

  /**
   * Reads what {@link #stored} wrote. A value without the leading 0xFF is plain UTF-8, as stores
   * held it before this form existed, and is escaped now.
   */
  public static JsonText fromStored(byte[] value) {
    Objects.requireNonNull(value, "value");
    return value.length > 0 && value[0] == STORED_MARKER ? new JsonText(value, 1) : escape(value);
  }

  /** Writes this text as a JSON string value (quotes added, nothing escaped again). */
  public void writeTo(JsonGenerator g) throws IOException {
    g.writeRawUTF8String(bytes, offset, length());
  }

  /** The text itself, unescaped. */
  public String text() {
    byte[] quoted = new byte[length() + 2];
    quoted[0] = '"';
    System.arraycopy(bytes, offset, quoted, 1, length());
    quoted[quoted.length - 1] = '"';
    try (JsonParser p = JSON.createParser(quoted)) {
      if (p.nextToken() != JsonToken.VALUE_STRING) {
        throw new IllegalStateException("not the content of a JSON string");
      }
      return p.getText();
    } catch (IOException e) {
      throw new UncheckedIOException("an escaped text no longer parses as a JSON string", e);
    }
  }

  /** Length of the escaped content in bytes. */
  public int length() {
    return bytes.length - offset;
  }
}
