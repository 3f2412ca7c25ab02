package io.lorastream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lorastream.bench.loop.LoopSimulation;
import io.lorastream.model.eval.BeirDataset;
import io.lorastream.trainer.AdapterSettings;
import io.lorastream.trainer.TrainerConfigFiles;
import io.lorastream.trainer.TrainerSettings;
import io.lorastream.trainer.step.TrainerModel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lorastream bench loop}: what the loop learns and serves on a BEIR set, offline, against
 * the base model.
 */
@Command(
    name = "loop",
    mixinStandardHelpOptions = true,
    description = {
      "The loop without Kafka: simulated users search the train queries of a BEIR set with the served model and click",
      "under the demo's user model, the streams app's click model makes pairs, one adapter trains and is gated as the",
      "trainer does it. Every version the gate accepts (and, with --score-every-candidate, every one it judges) is",
      "scored on the test split, next to the base model measured in the same run.",
      "Last stdout line: one JSON object (base_test_ndcg@10, served_test_ndcg@10, worst_served_test_ndcg@10, timeline...)."
    })
final class BenchLoopCommand implements Callable<Integer> {

  @Option(
      names = "--dataset",
      paramLabel = "DIR",
      defaultValue = "../shared/datasets/scifact",
      description = "BEIR folder (default: ${DEFAULT-VALUE}).")
  Path dataset;

  @Option(
      names = "--steps",
      defaultValue = "450",
      description = "Optimizer steps (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(
      names = "--searches-per-step",
      defaultValue = "10",
      description =
          "Searches between two chances to take a step (default: ${DEFAULT-VALUE}, about the demo's ratio).")
  int searchesPerStep;

  @Option(
      names = "--gate-every",
      defaultValue = "20",
      description = "Steps between gate decisions (default: ${DEFAULT-VALUE}).")
  int gateEvery;

  @Option(
      names = "--holdout-fraction",
      defaultValue = "0.1",
      description = "Held-out share of queries (default: ${DEFAULT-VALUE}).")
  double holdoutFraction;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Seed of the simulated users (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--score-every-candidate",
      description = "Score every judged candidate on the test split, not only accepted ones.")
  boolean scoreEveryCandidate;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "An adapter setting (trainer keys, e.g. lr=5e-4).")
  Map<String, String> set = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    try {
      TrainerSettings defaults = TrainerConfigFiles.defaults("unused:9092");
      AdapterSettings adapter = TrainerConfigFiles.adapter(set, "--set");
      try (TrainerModel model =
          TrainerModel.load(
              defaults.baseModel(),
              defaults.device(),
              defaults.precision(),
              defaults.documentCacheSize())) {
        Map<String, Object> result =
            LoopSimulation.run(
                model,
                BeirDataset.load(dataset),
                adapter,
                new LoopSimulation.Options(
                    steps, searchesPerStep, gateEvery, holdoutFraction, seed, scoreEveryCandidate),
                System.err);
        result.put("settings", set);
        System.out.println(new ObjectMapper().writeValueAsString(result));
      }
      return 0;
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println("lorastream bench loop: " + e.getMessage());
      return 1;
    }
  }
}
