package io.lorastream.trainer.pairs;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;

/**
 * Which pairs an adapter was trained on, in constant space: the count and a 128-bit multiset hash
 * (two 64-bit lanes, each the sum modulo 2^64 of one half of sha-256(pair id)). Sums do not depend
 * on order, so a run resumed from checkpoints and an uninterrupted run have equal ledgers exactly
 * when they trained the same pairs the same number of times: a pair trained twice, or lost, changes
 * the count or the sums (a collision needs two different multisets with equal 128-bit sums).
 *
 * @param pairs pairs trained as new (replays are not counted here)
 * @param sumHigh sum of the first 8 bytes of each pair id's sha-256
 * @param sumLow sum of the next 8 bytes
 */
public record PairLedger(long pairs, long sumHigh, long sumLow) {

  public static final PairLedger EMPTY = new PairLedger(0, 0, 0);

  public PairLedger {
    if (pairs < 0) {
      throw new IllegalArgumentException("pair count must be >= 0, got " + pairs);
    }
  }

  /** This ledger with one more pair. */
  public PairLedger plus(String pairId) {
    ByteBuffer h = ByteBuffer.wrap(sha256(pairId));
    return new PairLedger(pairs + 1, sumHigh + h.getLong(), sumLow + h.getLong());
  }

  /** The ledger of exactly these pairs, each once. */
  public static PairLedger of(Collection<String> pairIds) {
    PairLedger l = EMPTY;
    for (String id : pairIds) {
      l = l.plus(id);
    }
    return l;
  }

  /** The two sums as 32 hex digits, for manifests and logs. */
  public String digest() {
    return String.format("%016x%016x", sumHigh, sumLow);
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }
}
