package io.lorastream.model.runtime;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * glibc's {@code malloc_trim(0)}: hands the free pages inside malloc's arenas back to the kernel. A
 * training step frees tensors of many sizes, and glibc keeps the gaps they leave resident for good,
 * so its arenas grow step after step. A trim costs the steps after it the faults of the pages they
 * touch again (trimming after every step cost ~20% of a step), so {@link #ifGrown} learns what the
 * steps need and trims only past that: the first call trims, the {@link #LEARN_CALLS} calls after
 * it note the highest RSS, and from then on a call trims when RSS is {@link #MARGIN} above that
 * ceiling. RSS thus stays below the ceiling, however long the run. Nothing happens where another
 * allocator serves (tcmalloc preloaded: glibc's arenas are then all but empty) or where the C
 * library has no {@code malloc_trim}.
 */
public final class MallocTrim {

  /** RSS above the highest of the learning calls that triggers a trim. */
  public static final long MARGIN = 128L << 20;

  /** Calls after the first trim whose highest RSS sets the ceiling. */
  public static final int LEARN_CALLS = 10;

  private static final Function TRIM = lookUp();
  private static final Path STATM = Path.of("/proc/self/statm");
  private static final long PAGE = 4096;

  private static boolean trimmedOnce;
  private static int learning;
  private static long highest;
  private static long ceiling = Long.MAX_VALUE;

  private MallocTrim() {}

  private static Function lookUp() {
    if (!Platform.isLinux() || NativeAllocator.current() != NativeAllocator.GLIBC) {
      return null;
    }
    try {
      return NativeLibrary.getInstance(Platform.C_LIBRARY_NAME).getFunction("malloc_trim");
    } catch (UnsatisfiedLinkError e) { // musl and others: nothing to call
      return null;
    }
  }

  /** True when {@link #trim} calls glibc's {@code malloc_trim}. */
  public static boolean available() {
    return TRIM != null;
  }

  /** Trims malloc's arenas; returns whether memory was released (false when unavailable). */
  public static boolean trim() {
    return TRIM != null && TRIM.invokeInt(new Object[] {0}) == 1;
  }

  /**
   * Trims on the first call, learns the ceiling over the {@link #LEARN_CALLS} calls after it, and
   * then trims whenever RSS exceeds it; returns whether it trimmed.
   */
  public static synchronized boolean ifGrown() {
    if (TRIM == null) {
      return false;
    }
    long rss = residentBytes();
    if (rss < 0) {
      return false;
    }
    if (!trimmedOnce) {
      trim(); // what came before training (loading, serving) goes back at once
      trimmedOnce = true;
      learning = LEARN_CALLS;
      highest = 0;
      ceiling = Long.MAX_VALUE;
      return true;
    }
    if (learning > 0) {
      highest = Math.max(highest, rss);
      if (--learning == 0) {
        ceiling = highest + MARGIN;
      }
      return false;
    }
    if (rss <= ceiling) {
      return false;
    }
    trim();
    // the live memory itself outgrew the ceiling (larger batches, say): follow it
    ceiling = Math.max(ceiling, residentBytes() + MARGIN);
    return true;
  }

  /**
   * Starts over: the next {@link #ifGrown} trims and learns anew (tests start from a known state).
   */
  static synchronized void restart() {
    trimmedOnce = false;
  }

  /** The process's resident set in bytes, or -1 where /proc cannot tell. */
  public static long residentBytes() {
    try {
      String[] statm = Files.readString(STATM).trim().split(" ");
      return Long.parseLong(statm[1]) * PAGE;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
