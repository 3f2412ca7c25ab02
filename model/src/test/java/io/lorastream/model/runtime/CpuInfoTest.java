package io.lorastream.model.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuInfoTest {

  @Test
  void modelAndRelevantFlagsAreReadFromTheFirstProcessor(@TempDir Path dir) throws Exception {
    Path cpuinfo = dir.resolve("cpuinfo");
    Files.writeString(
        cpuinfo,
        """
        processor\t: 0
        model name\t: AMD EPYC 9R14 96-Core Processor
        flags\t\t: fpu sse4_2 avx2 fma avx512f avx512_vnni avx512_bf16 rdrand

        processor\t: 1
        model name\t: something else
        flags\t\t: fpu
        """);
    CpuInfo info = CpuInfo.read(cpuinfo, 2);
    assertThat(info.model()).isEqualTo("AMD EPYC 9R14 96-Core Processor");
    assertThat(info.features())
        .containsExactly("sse4_2", "avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16");
    assertThat(info.has("avx512_bf16")).isTrue();
    assertThat(info.has("amx_tile")).isFalse();
  }

  @Test
  void anUnreadableFileGivesAnUnknownCpu(@TempDir Path dir) {
    CpuInfo info = CpuInfo.read(dir.resolve("missing"), 4);
    assertThat(info.model()).isEqualTo("unknown");
    assertThat(info.features()).isEmpty();
    assertThat(info.logicalCores()).isEqualTo(4);
  }
}
