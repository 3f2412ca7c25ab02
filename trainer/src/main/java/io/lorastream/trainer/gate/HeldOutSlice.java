package io.lorastream.trainer.gate;

import io.lorastream.model.train.FalseNegatives;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Which feedback is held out of training for the quality gate: a pure function of (tenant, query),
 * so every pair of a query lands on the same side on every instance and after every restart, and a
 * held-out query never leaks into training through another of its pairs.
 *
 * <p>The query is trimmed, its inner whitespace collapsed and lower-cased (so {@code "Foo bar"} and
 * {@code "foo bar "} are one query). Its position is the first 8 bytes of sha-256(tenant + "\n" +
 * query) read as an unsigned fraction of 2^64; the query is held out when that is below the
 * fraction.
 */
public final class HeldOutSlice {

  private HeldOutSlice() {}

  /** True when the query belongs to the held-out slice of size {@code fraction} in [0, 1). */
  public static boolean isHeldOut(String tenant, String query, double fraction) {
    if (!(fraction >= 0 && fraction < 1)) {
      throw new IllegalArgumentException("held-out fraction must be in [0, 1), got " + fraction);
    }
    return position(tenant, query) < fraction;
  }

  /** The query's place in [0, 1). */
  public static double position(String tenant, String query) {
    long bits = ByteBuffer.wrap(digest(tenant, query)).getLong();
    // unsigned 64-bit value / 2^64, via the top 53 bits so the double is exact
    return (bits >>> 11) * 0x1.0p-53;
  }

  /** A stable id of the query for the evaluation set: 32 hex digits of the same digest. */
  public static String queryId(String tenant, String query) {
    return HexFormat.of().formatHex(digest(tenant, query), 0, 16);
  }

  public static String normalize(String query) {
    return FalseNegatives.normalizeQuery(query);
  }

  private static byte[] digest(String tenant, String query) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(tenant.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) '\n');
      sha.update(normalize(query).getBytes(StandardCharsets.UTF_8));
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }
}
