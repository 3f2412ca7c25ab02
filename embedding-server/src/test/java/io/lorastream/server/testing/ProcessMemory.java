package io.lorastream.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's resident set size, as the kernel counts it (Linux {@code /proc/self/status}). */
public final class ProcessMemory {

  private ProcessMemory() {}

  /** VmRSS in bytes. */
  public static long rssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("/proc/self/status has no VmRSS line");
  }

  public static long rssMiB() {
    return rssBytes() >> 20;
  }
}
