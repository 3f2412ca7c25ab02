package io.lorastream.model.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The CPU the process runs on, as Linux describes it in /proc/cpuinfo: its model name and the
 * instruction set extensions that matter for the matrix kernels of ONNX Runtime (MLAS) and PyTorch
 * (oneDNN, MKL), which pick their code paths from the CPU at run time. Benchmarks report it, since
 * their figures depend on it.
 *
 * @param model the model name, e.g. {@code AMD EPYC 9R14}
 * @param logicalCores processors the JVM may use
 * @param features the relevant flags present, in {@link #RELEVANT} order, e.g. {@code avx2, fma,
 *     avx512f, ...}
 */
public record CpuInfo(String model, int logicalCores, List<String> features) {

  /**
   * Flags reported when present: vector widths, FMA, and the int8 (VNNI) and bf16/fp16/AMX
   * extensions.
   */
  public static final List<String> RELEVANT =
      List.of(
          "sse4_2",
          "avx",
          "avx2",
          "fma",
          "f16c",
          "avx_vnni",
          "avx512f",
          "avx512bw",
          "avx512vl",
          "avx512_vnni",
          "avx512_bf16",
          "avx512_fp16",
          "amx_tile",
          "amx_bf16",
          "amx_int8");

  public CpuInfo {
    features = List.copyOf(features);
  }

  /** This machine's; {@code unknown} with no features where /proc/cpuinfo cannot be read. */
  public static CpuInfo current() {
    return read(Path.of("/proc/cpuinfo"), Runtime.getRuntime().availableProcessors());
  }

  static CpuInfo read(Path cpuinfo, int cores) {
    String model = "unknown";
    Set<String> flags = Set.of();
    try {
      for (String line : Files.readAllLines(cpuinfo)) {
        int colon = line.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String key = line.substring(0, colon).strip();
        String value = line.substring(colon + 1).strip();
        if (key.equals("model name") && model.equals("unknown")) {
          model = value;
        } else if (key.equals("flags") && flags.isEmpty()) {
          flags = Set.copyOf(Arrays.asList(value.split("\\s+")));
        }
      }
    } catch (IOException | RuntimeException e) {
      return new CpuInfo("unknown", cores, List.of());
    }
    List<String> present = new ArrayList<>();
    for (String f : RELEVANT) {
      if (flags.contains(f)) {
        present.add(f);
      }
    }
    return new CpuInfo(model, cores, present);
  }

  public boolean has(String feature) {
    return features.contains(feature);
  }
}
