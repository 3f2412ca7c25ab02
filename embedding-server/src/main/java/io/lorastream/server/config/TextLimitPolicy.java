package io.lorastream.server.config;

import java.util.Locale;

/**
 * What happens to a text longer than the max length in tokens, or than max-text-chars characters.
 */
public enum TextLimitPolicy {
  /**
   * Cut it to max-text-chars characters before tokenization and to the max length in tokens after
   * (special tokens kept), and count it in {@code lorastream.server.texts.truncated}.
   */
  TRUNCATE,
  /** Refuse the whole request with 413, naming the first input that is too long and the limit. */
  REJECT;

  public static TextLimitPolicy parse(String s) {
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "truncate" -> TRUNCATE;
      case "reject", "413" -> REJECT;
      default ->
          throw new IllegalArgumentException(
              "text-limit-policy must be 'truncate' or 'reject', got '" + s + "'");
    };
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
