package io.lorastream.model.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeAllocatorTest {
  @TempDir Path dir;

  @Test
  void tcmallocAmongTheMappedFilesIsTcmalloc() throws IOException {
    Path maps =
        Files.writeString(
            dir.resolve("maps"),
            """
        7f00a0000000-7f00a0021000 r--p 00000000 08:01 1234 /usr/lib/x86_64-linux-gnu/libc.so.6
        7f00b0000000-7f00b0010000 r-xp 00000000 08:01 5678 /usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4.5.10
        """);
    assertEquals(NativeAllocator.TCMALLOC, NativeAllocator.detect(maps));
  }

  @Test
  void withoutTcmallocItIsGlibc() throws IOException {
    Path maps =
        Files.writeString(
            dir.resolve("maps"),
            """
        7f00a0000000-7f00a0021000 r--p 00000000 08:01 1234 /usr/lib/x86_64-linux-gnu/libc.so.6
        """);
    assertEquals(NativeAllocator.GLIBC, NativeAllocator.detect(maps));
  }

  @Test
  void anUnreadableMapIsUnknown() {
    assertEquals(NativeAllocator.UNKNOWN, NativeAllocator.detect(dir.resolve("missing")));
  }

  @Test
  void thisProcessIsDetected() {
    // the tests run without the launcher: glibc unless LD_PRELOAD names tcmalloc
    String preload = System.getenv().getOrDefault("LD_PRELOAD", "");
    NativeAllocator expected =
        preload.contains("libtcmalloc") ? NativeAllocator.TCMALLOC : NativeAllocator.GLIBC;
    assertEquals(expected, NativeAllocator.current());
  }
}
