package io.lorastream.model.runtime;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * glibc's {@code malloc_trim(0)}: hands the free pages inside malloc's arenas back to the kernel. A
 * training step frees tensors of many sizes, and glibc keeps the gaps they leave resident for good.
 * Trimming after every step would keep RSS flat but costs ~20% of a step (the next step faults the
 * pages in again), so {@link #ifGrown} trims only once RSS has grown {@link #MARGIN} since the last
 * trim. Nothing happens where another allocator serves (tcmalloc preloaded: glibc's arenas are then
 * all but empty) or where the C library has no {@code malloc_trim}.
 */
public final class MallocTrim {

  /** RSS growth since the last trim that triggers the next one. */
  public static final long MARGIN = 64L << 20;

  private static final Function TRIM = lookUp();
  private static final Path STATM = Path.of("/proc/self/statm");
  private static final long PAGE = 4096;

  private static long residentAfterLastTrim = -1;

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
   * Trims when the process's RSS has grown {@link #MARGIN} since the last trim (or on the first
   * call); returns whether it trimmed.
   */
  public static synchronized boolean ifGrown() {
    if (TRIM == null) {
      return false;
    }
    long rss = residentBytes();
    if (rss < 0 || (residentAfterLastTrim >= 0 && rss <= residentAfterLastTrim + MARGIN)) {
      return false;
    }
    trim();
    residentAfterLastTrim = residentBytes();
    return true;
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
