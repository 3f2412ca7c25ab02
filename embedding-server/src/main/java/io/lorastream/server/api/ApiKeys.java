package io.lorastream.server.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;

/**
 * Checks bearer keys in constant time. Keys are kept only as sha256 digests; a presented key is
 * hashed and compared with every configured digest by {@link MessageDigest#isEqual} (constant time
 * for equal lengths, and digests are always 32 bytes), without stopping at the first match, so
 * timing reveals neither which key matched nor how much of a key was right.
 */
public final class ApiKeys {

  private final List<byte[]> digests;

  public ApiKeys(List<String> keys) {
    this.digests = keys.stream().map(ApiKeys::sha256).toList();
  }

  public boolean isEmpty() {
    return digests.isEmpty();
  }

  /** Whether {@code presented} is one of the keys. */
  public boolean matches(String presented) {
    if (presented == null) {
      return false;
    }
    byte[] d = sha256(presented);
    boolean match = false;
    for (byte[] k : digests) {
      match |= MessageDigest.isEqual(k, d);
    }
    return match;
  }

  /**
   * The key of an {@code Authorization: Bearer KEY} header value, or null when the header is absent
   * or not a bearer credential.
   */
  public static String bearer(String authorization) {
    if (authorization == null) {
      return null;
    }
    String a = authorization.strip();
    if (a.length() < 7 || !a.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
      return null;
    }
    String key = a.substring(7).strip();
    return key.isEmpty() ? null : key;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
