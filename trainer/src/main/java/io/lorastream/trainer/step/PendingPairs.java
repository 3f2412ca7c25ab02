package io.lorastream.trainer.step;

import io.lorastream.trainer.gate.HeldOutSlice;
import io.lorastream.trainer.pairs.BufferedPair;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * One adapter's pairs waiting for a step, oldest first, and since when the oldest of them waits
 * (the clock of a partial batch). Checkpointed with the adapter. Not thread-safe.
 */
final class PendingPairs {

  private final ArrayDeque<BufferedPair> pairs;
  private long sinceMs;

  PendingPairs(List<BufferedPair> pairs, long sinceMs) {
    this.pairs = new ArrayDeque<>(pairs);
    this.sinceMs = sinceMs;
  }

  void add(BufferedPair p, long nowMs) {
    if (pairs.isEmpty()) {
      sinceMs = nowMs;
    }
    pairs.add(p);
  }

  /**
   * {@code fullStep} pairs are waiting, or a partial batch waited {@code maxWaitMs} (0 = only full
   * steps).
   */
  boolean ready(int fullStep, long nowMs, long maxWaitMs) {
    if (pairs.size() >= fullStep) {
      return true;
    }
    return !pairs.isEmpty() && maxWaitMs > 0 && nowMs - sinceMs >= maxWaitMs;
  }

  /** When a partial batch becomes due, or Long.MAX_VALUE. */
  long dueAtMs(long maxWaitMs) {
    return pairs.isEmpty() || maxWaitMs <= 0 ? Long.MAX_VALUE : sinceMs + maxWaitMs;
  }

  /**
   * Takes up to {@code n} pairs, oldest first, with distinct queries and distinct positives; the
   * rest keep waiting, from {@code nowMs} on.
   */
  List<BufferedPair> take(int n, long nowMs) {
    List<BufferedPair> out = new ArrayList<>(n);
    Set<String> anchors = new HashSet<>();
    Set<String> positives = new HashSet<>();
    Iterator<BufferedPair> it = pairs.iterator();
    while (out.size() < n && it.hasNext()) {
      BufferedPair p = it.next();
      if (!anchors.contains(HeldOutSlice.normalize(p.anchor()))
          && !positives.contains(p.positiveDocId())) {
        anchors.add(HeldOutSlice.normalize(p.anchor()));
        positives.add(p.positiveDocId());
        out.add(p);
        it.remove();
      }
    }
    sinceMs = pairs.isEmpty() ? 0 : nowMs;
    return out;
  }

  int size() {
    return pairs.size();
  }

  /** The waiting pairs, oldest first (a copy). */
  List<BufferedPair> list() {
    return List.copyOf(pairs);
  }

  long sinceMs() {
    return sinceMs;
  }
}
