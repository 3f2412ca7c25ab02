package io.lorastream.bench.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.model.eval.BeirDataset;
import io.lorastream.model.runtime.DeviceSetting;
import io.lorastream.model.runtime.Precision;
import io.lorastream.trainer.AdapterSettings;
import io.lorastream.trainer.step.TrainerModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The quality gate on a real domain is neither frozen nor loose. In the simulated loop on SciFact
 * (users search the train queries with the served model and click under the demo's position-biased
 * user model, the streams app's click model makes the pairs, and one adapter trains and is gated
 * exactly as the trainer does it), a real improvement is served within a bounded number of gate
 * runs, and no served version scores below the base on the test split, which neither training nor
 * the gate sees. Slow: about five minutes on two cores.
 */
class GateOnSciFactLoopIT {

  @Test
  @SuppressWarnings("unchecked")
  void aRealImprovementIsServedWithinBoundedGateRunsAndNothingBelowTheBase() throws Exception {
    BeirDataset scifact =
        BeirDataset.load(Path.of(System.getProperty("lorastream.datasets"), "scifact"));
    try (TrainerModel model =
        TrainerModel.load("default", DeviceSetting.CPU, Precision.FP32, 50_000)) {
      // the demo's held-out share: a gain of a few hundredths needs 100+ held-out queries to show
      Map<String, Object> r =
          LoopSimulation.run(
              model,
              scifact,
              AdapterSettings.DEFAULTS,
              new LoopSimulation.Options(200, 10, 10, 0.2, 1, false),
              System.out);
      List<Map<String, Object>> gates = (List<Map<String, Object>>) r.get("timeline");
      System.out.println("loop on SciFact: " + r);
      int first = 0;
      while (first < gates.size() && !"accepted".equals(gates.get(first).get("outcome"))) {
        first++;
      }
      assertThat(first)
          .as("gate runs before the first version: %s", gates)
          .isLessThan(gates.size())
          .isLessThanOrEqualTo(15);
      double base = ((Number) r.get("base_test_ndcg@10")).doubleValue();
      assertThat(((Number) r.get("worst_served_test_ndcg@10")).doubleValue())
          .isGreaterThanOrEqualTo(base - 0.005);
      assertThat(((Number) r.get("served_test_ndcg@10")).doubleValue()).isGreaterThan(base);
      for (Map<String, Object> g : gates) {
        if ("accepted".equals(g.get("outcome"))) {
          assertThat(((Number) g.get("lower_vs_base")).doubleValue())
              .isGreaterThan(io.lorastream.trainer.GateSettings.DEFAULTS.minGain());
        }
      }
    }
  }
}
