package io.lorastream.trainer.pairs;

import io.lorastream.trainer.step.SplitMix64;
import java.util.ArrayList;
import java.util.List;

/**
 * Earlier pairs kept for replay against forgetting: a uniform sample of every pair trained so far
 * (reservoir sampling, Vitter's algorithm R), drawn with the trainer's checkpointed generator so a
 * resumed trainer keeps and replays the same pairs. Not thread-safe.
 */
public final class ReplayBuffer {

  private final int capacity;
  private final List<BufferedPair> pairs;
  private long offered;

  public ReplayBuffer(int capacity) {
    this(capacity, List.of(), 0);
  }

  /**
   * A buffer restored from a checkpoint: its pairs in slot order and how many pairs it was offered.
   */
  public ReplayBuffer(int capacity, List<BufferedPair> pairs, long offered) {
    if (capacity < 0) {
      throw new IllegalArgumentException("replay buffer capacity must be >= 0, got " + capacity);
    }
    if (offered < pairs.size()) {
      throw new IllegalArgumentException(
          "a replay buffer offered " + offered + " pairs cannot hold " + pairs.size());
    }
    this.capacity = capacity;
    this.pairs = new ArrayList<>(pairs.subList(0, Math.min(capacity, pairs.size())));
    this.offered = offered;
  }

  /**
   * Considers a trained pair for the sample: kept with probability capacity / pairs offered so far.
   */
  public void offer(BufferedPair pair, SplitMix64 random) {
    offered++;
    if (capacity == 0) {
      return;
    }
    if (pairs.size() < capacity) {
      pairs.add(pair);
      return;
    }
    long slot = random.nextLong(offered);
    if (slot < capacity) {
      pairs.set((int) slot, pair);
    }
  }

  /** {@code k} distinct pairs (all of them if fewer are held), chosen uniformly. */
  public List<BufferedPair> sample(int k, SplitMix64 random) {
    int n = pairs.size();
    int take = Math.min(k, n);
    int[] index = new int[n];
    for (int i = 0; i < n; i++) {
      index[i] = i;
    }
    List<BufferedPair> out = new ArrayList<>(take);
    for (int i = 0; i < take; i++) { // partial Fisher-Yates
      int j = i + random.nextInt(n - i);
      int t = index[i];
      index[i] = index[j];
      index[j] = t;
      out.add(pairs.get(index[i]));
    }
    return out;
  }

  public int size() {
    return pairs.size();
  }

  public int capacity() {
    return capacity;
  }

  /** Pairs offered so far (the reservoir's n). */
  public long offered() {
    return offered;
  }

  /** The held pairs in slot order, for checkpoints. */
  public List<BufferedPair> pairs() {
    return List.copyOf(pairs);
  }
}
