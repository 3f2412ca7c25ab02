package io.lorastream.schemas;

import com.ethlo.time.ITU;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;

/**
 * Event times as events carry them ({@code 2025-01-02T03:04:05.120Z}), parsed fast: every event's
 * time is read into its record, and {@link Instant#parse} took more time than validating the event
 * against its schema. The canonical UTC form goes through ITU (the RFC 3339 parser the schema
 * validator uses for {@code format: date-time}); anything else (offsets, lower-case separators,
 * leap seconds) keeps {@link Instant#parse}'s rules, so what is accepted, and how it reads, does
 * not change.
 */
public final class EventTimes {
  private EventTimes() {}

  /**
   * The instant of an RFC 3339 / ISO-8601 timestamp; throws {@link DateTimeException} as {@link
   * Instant#parse} does.
   */
  public static Instant parse(String text) {
    if (isCanonicalUtc(text)) {
      try {
        return ITU.parseDateTime(text).toInstant();
      } catch (DateTimeException e) {
        // not what the fast path takes (a leap second, an unusual fraction ...): java.time decides
      }
    }
    return Instant.parse(text);
  }

  /**
   * {@code yyyy-MM-ddTHH:mm:ss[.f...]Z}: upper-case T at 10, Z last, and nothing after the seconds
   * but a fraction.
   */
  private static boolean isCanonicalUtc(String s) {
    int n = s.length();
    return n >= 20
        && s.charAt(10) == 'T'
        && s.charAt(n - 1) == 'Z'
        && s.charAt(4) == '-'
        && (n == 20 || s.charAt(19) == '.');
  }

  /**
   * Reads instants with {@link #parse}; numbers (epoch seconds) and the rest go to Jackson's own
   * deserializer.
   */
  static final class Deserializer extends StdScalarDeserializer<Instant> {
    Deserializer() {
      super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() != JsonToken.VALUE_STRING) {
        return InstantDeserializer.INSTANT.deserialize(p, ctxt);
      }
      String text = p.getText().trim();
      try {
        return parse(text);
      } catch (DateTimeException e) {
        return (Instant)
            ctxt.handleWeirdStringValue(
                Instant.class, text, "not an ISO-8601 instant: %s", e.getMessage());
      }
    }
  }
}
