package io.lorastream.schemas;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/**
 * Deterministic pair ids: the same sources always give the same id, so a replay is recognisable
 * downstream.
 */
public final class PairIds {
  private PairIds() {}

  /**
   * sha-256 (lower-case hex) over the kind, the source event ids sorted, the positive doc id and
   * the negative doc ids in order, each field terminated by a newline (ids never contain one, so
   * the encoding is unambiguous).
   */
  public static String of(
      PairKind kind,
      Collection<String> sourceEventIds,
      String positiveDocId,
      List<String> negativeDocIds) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
    update(sha, "pair-v1");
    update(sha, kind.name());
    sourceEventIds.stream().sorted().forEach(id -> update(sha, id));
    update(sha, "+" + positiveDocId);
    for (String id : negativeDocIds) {
      update(sha, "-" + id);
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static void update(MessageDigest sha, String field) {
    sha.update(field.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) '\n');
  }
}
