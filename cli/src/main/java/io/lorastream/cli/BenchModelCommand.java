package io.lorastream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lorastream.bench.model.ModelBenchmark;
import io.lorastream.model.EncoderStack;
import io.lorastream.model.runtime.CpuInfo;
import io.lorastream.model.runtime.NativeAllocator;
import io.lorastream.model.serving.EngineChoice;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lorastream bench model}: serving throughput against ONNX Runtime, training throughput
 * against a matmul peak, RSS growth over a long training run. Progress on stderr; the last stdout
 * line is one JSON object.
 */
@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description =
        "Benchmark the encoder: serving vs ONNX Runtime, training vs matmul peak, memory growth.")
final class BenchModelCommand implements Callable<Integer> {

  @Mixin ModelOptions modelOptions;

  @Option(
      names = "--dataset",
      paramLabel = "DIR",
      description = "BEIR folder. Default: ../shared/datasets/scifact beside the repository.")
  Path dataset;

  @Option(
      names = "--serving-batches",
      defaultValue = "8",
      description = "Batches of 32 documents per engine and round. Default: ${DEFAULT-VALUE}.")
  int servingBatches;

  @Option(
      names = "--rounds",
      defaultValue = "3",
      description = "Serving rounds. Default: ${DEFAULT-VALUE}.")
  int rounds;

  @Option(
      names = "--window-steps",
      defaultValue = "20",
      description =
          "Training steps per timing window; each window's GFLOP/s is divided by the matmul peak measured"
              + " right after it, and the median is reported. Default: ${DEFAULT-VALUE}.")
  int windowSteps;

  @Option(
      names = "--rss-steps",
      defaultValue = "200",
      description =
          "Training steps in all; RSS growth is the highest RSS over the last 20 steps against steps 11 to"
              + " 30. Default: ${DEFAULT-VALUE}.")
  int rssSteps;

  @Option(
      names = "--engine",
      defaultValue = "auto",
      description =
          "What serves: auto (as the server picks: onnxruntime on a CPU in fp32, else pytorch), onnxruntime or pytorch. Default: ${DEFAULT-VALUE}.")
  String engine;

  @Override
  public Integer call() throws Exception {
    Path data = dataset != null ? dataset : Defaults.scifact();
    ModelBenchmark.Settings settings =
        new ModelBenchmark.Settings(
            data,
            32,
            servingBatches,
            rounds,
            16,
            windowSteps,
            rssSteps,
            EngineChoice.parse(engine),
            new ModelBenchmark.EncoderStackSpec() {
              @Override
              public EncoderStack open() throws java.io.IOException {
                return modelOptions.open();
              }

              @Override
              public int maxLength() {
                return modelOptions.maxLength;
              }
            });
    NativeAllocator allocator = NativeAllocator.current();
    CpuInfo cpu = CpuInfo.current();
    System.err.printf(
        "bench model: %s, %d cores, features %s; native memory from %s%n",
        cpu.model(), cpu.logicalCores(), String.join(" ", cpu.features()), allocator.label());
    Map<String, Object> figures = new LinkedHashMap<>(ModelBenchmark.run(settings, System.err));
    figures.put("allocator", allocator.label());
    figures.put(
        "cpu",
        Map.of(
            "model", cpu.model(), "logical_cores", cpu.logicalCores(), "features", cpu.features()));
    figures.put("max_length", modelOptions.maxLength);
    figures.put("device", modelOptions.device);
    figures.put("precision", modelOptions.precision);
    figures.put("dataset", data.toString());
    System.out.println(new ObjectMapper().writeValueAsString(figures));
    return 0;
  }
}
