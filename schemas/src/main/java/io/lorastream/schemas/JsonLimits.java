package io.lorastream.schemas;

import com.fasterxml.jackson.core.StreamReadConstraints;

/**
 * How large and how deep a record value may be before it is parsed any further: Jackson's {@link
 * StreamReadConstraints}, with defaults sized to the events (which nest 3 levels and hold numbers
 * of at most ~25 characters) rather than to any JSON. A value over a limit is refused as {@code
 * unparseable_json} with a message that names the limit, its setting and the way out ({@link
 * JsonLimit}).
 *
 * <p>The limits bound what one record can cost before its contract is checked: a 1,000-level
 * nesting or a 1,000-digit number is not an event, and the JSON Schema pass and the tree both grow
 * with depth and token count.
 *
 * @param maxDepth nesting levels of objects and arrays; 1..1000 (Jackson's own default, over which
 *     its tree and the schema validator recurse too deep); default 64
 * @param maxNumberChars characters of one number; 1..1000; default 100
 * @param maxStringChars characters of one string value; must hold the longest text a contract
 *     allows (a document's text, a pair's passage); default 1,048,576
 * @param maxNameChars characters of one field name; default 1,024
 * @param maxTokens tokens of one value (names, values, brackets); default 100,000 (a search event
 *     showing 1,000 results has ~8,000)
 * @param maxBytes bytes of one value, checked before anything else; default 8 MiB ({@link
 *     TopicAdmin#EVENT_MAX_MESSAGE_BYTES}, the largest event record the topics take)
 */
public record JsonLimits(
    int maxDepth,
    int maxNumberChars,
    int maxStringChars,
    int maxNameChars,
    long maxTokens,
    int maxBytes) {

  /** Jackson's own nesting default; deeper trees risk the stack of the parser's callers. */
  public static final int DEPTH_CEILING = 1000;

  /** Jackson's own number-length default: longer numbers cost quadratic time to convert. */
  public static final int NUMBER_CEILING = 1000;

  public static final JsonLimits DEFAULTS =
      new JsonLimits(64, 100, 1_048_576, 1_024, 100_000, TopicAdmin.EVENT_MAX_MESSAGE_BYTES);

  public JsonLimits {
    range("max-json-depth", maxDepth, 1, DEPTH_CEILING);
    range("max-json-number-chars", maxNumberChars, 1, NUMBER_CEILING);
    range("max-json-string-chars", maxStringChars, 1, Integer.MAX_VALUE);
    range("max-json-name-chars", maxNameChars, 1, Integer.MAX_VALUE);
    range("max-json-tokens", maxTokens, 1, Long.MAX_VALUE);
    range("max-json-bytes", maxBytes, 1, Integer.MAX_VALUE);
  }

  /**
   * Fails when a text the {@link TextLimits} allow would break the string limit first (and be
   * refused as unparseable instead of {@code text_too_long}): the two settings contradict each
   * other.
   */
  public void requireRoomFor(TextLimits texts) {
    int longest = Math.max(texts.maxQueryChars(), texts.maxDocumentChars());
    if (maxStringChars < longest) {
      throw new IllegalArgumentException(
          "max-json-string-chars ("
              + maxStringChars
              + ") must be at least max-query-chars and max-document-chars ("
              + longest
              + "): raise it, or lower the text limit");
    }
  }

  /**
   * The parser constraints (the byte limit is checked by the codec before parsing, where the size
   * is known).
   */
  StreamReadConstraints constraints() {
    return StreamReadConstraints.builder()
        .maxNestingDepth(maxDepth)
        .maxNumberLength(maxNumberChars)
        .maxStringLength(maxStringChars)
        .maxNameLength(maxNameChars)
        .maxTokenCount(maxTokens)
        .build();
  }

  private static void range(String name, long value, long min, long max) {
    if (value < min || value > max) {
      boolean unbounded = max == Integer.MAX_VALUE || max == Long.MAX_VALUE;
      throw new IllegalArgumentException(
          name
              + (unbounded ? " must be >= " + min : " must be in " + min + ".." + max)
              + ", got "
              + value);
    }
  }
}
