package io.lorastream.trainer.step;

/**
 * SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", 2014): a
 * 64-bit generator whose whole state is one {@code long}. The trainer's own randomness (replay
 * sampling, batch shuffling) comes from it, so a checkpoint carries the generator exactly and a
 * resumed trainer draws the same numbers an uninterrupted one would. Not thread-safe.
 */
public final class SplitMix64 {

  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private long state;

  public SplitMix64(long state) {
    this.state = state;
  }

  /** The state to checkpoint; {@code new SplitMix64(state())} continues the same sequence. */
  public long state() {
    return state;
  }

  public long nextLong() {
    long z = (state += GOLDEN_GAMMA);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Uniform in [0, bound), without modulo bias (rejection of the incomplete last block). */
  public long nextLong(long bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be > 0, got " + bound);
    }
    long limit = Long.MAX_VALUE - (Long.MAX_VALUE % bound);
    while (true) {
      long r = nextLong() >>> 1; // [0, 2^63)
      if (r < limit) {
        return r % bound;
      }
    }
  }

  public int nextInt(int bound) {
    return (int) nextLong(bound);
  }
}
