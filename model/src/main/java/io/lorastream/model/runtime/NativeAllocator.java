package io.lorastream.model.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Which C allocator serves this process's native memory (PyTorch's tensors among it). The launcher
 * preloads gperftools' tcmalloc when it is installed (see {@code ./lorastream}); otherwise glibc's
 * malloc serves, tuned by the {@code MALLOC_*} variables. Benchmarks report it, because serving and
 * training speed depend on it.
 */
public enum NativeAllocator {
  TCMALLOC,
  GLIBC,
  /** Not on Linux, or /proc could not be read. */
  UNKNOWN;

  private static final Path MAPS = Path.of("/proc/self/maps");

  /** Looks for a tcmalloc library among the process's mapped files. */
  public static NativeAllocator current() {
    return detect(MAPS);
  }

  static NativeAllocator detect(Path maps) {
    try (Stream<String> lines = Files.lines(maps)) {
      return lines.anyMatch(l -> l.contains("/libtcmalloc")) ? TCMALLOC : GLIBC;
    } catch (IOException | RuntimeException e) {
      return UNKNOWN;
    }
  }

  /** Lower-case name for JSON and logs. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
