package io.lorastream.server.config;

import java.util.List;

/**
 * Bearer keys. API keys open {@code /v1/*}; the admin key opens {@code /admin/*} and nothing else,
 * and no API key opens admin endpoints. Health and metrics are open (they reveal no data and probes
 * carry no keys).
 *
 * @param apiKeys accepted API keys; empty only with {@code allowAnonymous}
 * @param adminKey the admin key, or null: admin endpoints then answer 401 saying they are disabled
 * @param allowAnonymous serve {@code /v1/*} without a key (local demos only)
 */
public record AuthConfig(List<String> apiKeys, String adminKey, boolean allowAnonymous) {

  /** Shorter keys are guessable; OpenAI's own are 50+ characters. */
  public static final int MIN_KEY_LENGTH = 16;

  public AuthConfig {
    apiKeys = List.copyOf(apiKeys);
    for (int i = 0; i < apiKeys.size(); i++) {
      requireKey("api-keys[" + i + "]", apiKeys.get(i));
    }
    if (adminKey != null) {
      requireKey("admin-key", adminKey);
      if (apiKeys.contains(adminKey)) {
        throw new IllegalArgumentException(
            "admin-key must differ from every API key: the two open different doors");
      }
    }
    if (apiKeys.isEmpty() && !allowAnonymous) {
      throw new IllegalArgumentException(
          "api-keys is empty: set api-keys (or the environment variable LORASTREAM_API_KEYS, comma-separated),"
              + " or allow-anonymous=true to serve without keys (local demos only)");
    }
  }

  private static void requireKey(String field, String key) {
    if (key == null
        || key.length() < MIN_KEY_LENGTH
        || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException(
          field
              + " must be at least "
              + MIN_KEY_LENGTH
              + " printable ASCII characters without spaces"
              + (key == null ? ", got none" : ", got one of " + key.length() + " characters"));
    }
  }

  /** Never prints a key. */
  @Override
  public String toString() {
    return "AuthConfig[apiKeys="
        + apiKeys.size()
        + " key(s), adminKey="
        + (adminKey == null ? "none" : "set")
        + ", allowAnonymous="
        + allowAnonymous
        + "]";
  }
}
