package io.lorastream.schemas;

import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of the {@link JsonLimits}, as a refusal names it: the setting, the value it has, what was
 * over it and the way out. Jackson says which constraint failed only in its message, by the getter
 * it names (e.g. {@code StreamReadConstraints.getMaxNestingDepth()}); {@code JsonLimitTest} checks
 * each message against the Jackson in use.
 */
enum JsonLimit {
  DEPTH("getMaxNestingDepth") {
    @Override
    String describe(long found, JsonLimits limits) {
      return "the JSON nests more than "
          + limits.maxDepth()
          + " levels deep (max-json-depth); an event nests 3:"
          + " send flatter extra fields, or raise max-json-depth";
    }
  },
  NUMBER("getMaxNumberLength") {
    @Override
    String describe(long found, JsonLimits limits) {
      return "a number "
          + (found > 0 ? "of " + found + " characters " : "")
          + "is over max-json-number-chars ("
          + limits.maxNumberChars()
          + "); no event field needs that many digits: fix the producer, or raise"
          + " max-json-number-chars (at most "
          + JsonLimits.NUMBER_CEILING
          + ")";
    }
  },
  STRING("getMaxStringLength") {
    @Override
    String describe(long found, JsonLimits limits) {
      return "a string is longer than max-json-string-chars ("
          + limits.maxStringChars()
          + " chars): shorten it, or"
          + " raise max-json-string-chars (queries and documents have their own limits, max-query-chars and"
          + " max-document-chars)";
    }
  },
  NAME("getMaxNameLength") {
    @Override
    String describe(long found, JsonLimits limits) {
      return "a field name is longer than max-json-name-chars ("
          + limits.maxNameChars()
          + " chars): use shorter"
          + " names, or raise max-json-name-chars";
    }
  },
  TOKENS("getMaxTokenCount") {
    @Override
    String describe(long found, JsonLimits limits) {
      return "the JSON has more than "
          + limits.maxTokens()
          + " tokens (names, values and brackets; max-json-tokens);"
          + " an event has at most a few thousand: drop the bulk, or raise max-json-tokens";
    }
  },
  BYTES("getMaxDocumentLength") {
    @Override
    String describe(long found, JsonLimits limits) {
      return "the value is "
          + found
          + " bytes, over max-json-bytes ("
          + limits.maxBytes()
          + "): split it, or raise"
          + " max-json-bytes (and the topic's max.message.bytes)";
    }
  };

  private static final Pattern FOUND = Pattern.compile("\\((\\d+)\\) exceeds");

  private final String jacksonGetter;

  JsonLimit(String jacksonGetter) {
    this.jacksonGetter = jacksonGetter;
  }

  /**
   * What was over the limit and the way out; {@code found} is Jackson's figure, or -1 when unknown.
   */
  abstract String describe(long found, JsonLimits limits);

  /** The limit a Jackson constraint failure is about; null for one these limits do not set. */
  static JsonLimit of(StreamConstraintsException e) {
    String message = String.valueOf(e.getOriginalMessage());
    return Arrays.stream(values())
        .filter(l -> message.contains(l.jacksonGetter))
        .findFirst()
        .orElse(null);
  }

  /**
   * The figure Jackson found over the limit (for strings and depth it is where it stopped looking),
   * or -1.
   */
  static long found(StreamConstraintsException e) {
    Matcher m = FOUND.matcher(String.valueOf(e.getOriginalMessage()));
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }
}
