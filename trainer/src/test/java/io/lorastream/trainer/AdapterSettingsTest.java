package io.lorastream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AdapterSettingsTest {

  private static AdapterSettings with(Map<String, String> keys) {
    return TrainerConfigFiles.adapter(keys, "test");
  }

  @Test
  void replayTakesItsFractionOfAFullStepAndFillsUpAPartialOne() {
    AdapterSettings s = with(Map.of("batch-size", "16", "replay-fraction", "0.5"));
    assertThat(s.stepCapacity()).isEqualTo(16);
    assertThat(s.newPairsPerStep()).isEqualTo(8);
    assertThat(s.replayPairsFor(8)).isEqualTo(8);
    assertThat(s.replayPairsFor(3)).isEqualTo(13); // a partial step is filled up with replay
    AdapterSettings quarter =
        with(Map.of("batch-size", "8", "gradient-accumulation", "2", "replay-fraction", "0.25"));
    assertThat(quarter.newPairsPerStep()).isEqualTo(12); // 16 - round(16 * 0.25)
    assertThat(quarter.replayPairsFor(12)).isEqualTo(4); // a full step: 16 * 0.25
    assertThat(with(Map.of("replay-fraction", "0")).replayPairsFor(16)).isZero();
  }

  @Test
  void autoTrainKnobsReachTheTrainingSettings() {
    AdapterSettings s =
        with(
            Map.of(
                "lr",
                "3e-4",
                "weight-decay",
                "0.05",
                "batch-size",
                "4",
                "gradient-accumulation",
                "2",
                "warmup-ratio",
                "0.1",
                "total-steps",
                "100",
                "scheduler",
                "linear",
                "mixed-precision",
                "none",
                "mode",
                "both"));
    var t = s.trainingSettings(false);
    assertThat(t.optimizer().learningRate()).isEqualTo(3e-4);
    assertThat(t.optimizer().weightDecay()).isEqualTo(0.05);
    assertThat(t.microBatchSize()).isEqualTo(4);
    assertThat(t.schedule().warmupSteps()).isEqualTo(10);
    assertThat(t.schedule().multiplier(100))
        .isEqualTo(1.0 / 90); // linear decay: (T - t + 1) / (T - W)
    assertThat(t.mode().configName()).isEqualTo("both");
    assertThat(s.stepCapacity()).isEqualTo(8);
  }

  @Test
  void invalidValuesNameTheKeyTheValueAndTheRule() {
    assertThatThrownBy(() -> with(Map.of("replay-fraction", "1")))
        .hasMessageContaining("replay-fraction must be in [0, 1), got 1.0");
    assertThatThrownBy(() -> with(Map.of("lr", "-1")))
        .hasMessageContaining("lr must be a finite number > 0, got -1.0");
    assertThatThrownBy(() -> with(Map.of("lora-r", "0")))
        .hasMessageContaining("LoRA rank must be in 1..256, got 0");
    assertThatThrownBy(() -> with(Map.of("warmup-ratio", "0.1")))
        .hasMessageContaining("needs total-steps > 0");
    assertThatThrownBy(() -> with(Map.of("mixed-precision", "bf16")))
        .hasMessageContaining("bfloat16 tensor aborts the JVM");
    assertThatThrownBy(() -> with(Map.of("loss", "hinge")))
        .hasMessageContaining("unknown loss 'hinge'");
    assertThatThrownBy(() -> with(Map.of("learning_rate", "1e-3")))
        .hasMessageContaining("unknown setting(s) [learning_rate]");
  }

  @Test
  void mixedPrecisionMustAgreeWithTheBasesPrecision() {
    assertThatThrownBy(() -> with(Map.of("mixed-precision", "fp16")).trainingSettings(false))
        .hasMessageContaining("mixed-precision fp16 needs the base in FP16");
    assertThatThrownBy(() -> with(Map.of("mixed-precision", "none")).trainingSettings(true))
        .hasMessageContaining("an FP16 base trains only with mixed precision");
    assertThat(with(Map.of()).trainingSettings(true).mixedPrecision()).isTrue();
    assertThat(with(Map.of()).trainingSettings(false).mixedPrecision()).isFalse();
  }
}
