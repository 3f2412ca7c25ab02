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
  void replayTakesItsFractionOfEachStep() {
    AdapterSettings s = with(Map.of("batch_size", "16", "replay_fraction", "0.5"));
    assertThat(s.stepCapacity()).isEqualTo(16);
    assertThat(s.newPairsPerStep()).isEqualTo(8);
    assertThat(s.replayPairsFor(8)).isEqualTo(8);
    assertThat(s.replayPairsFor(3)).isEqualTo(3); // a partial step keeps the mix
    AdapterSettings quarter = with(Map.of("batch_size", "8", "gradient_accumulation", "2", "replay_fraction", "0.25"));
    assertThat(quarter.newPairsPerStep()).isEqualTo(12); // 16 - round(16 * 0.25)
    assertThat(quarter.replayPairsFor(12)).isEqualTo(4); // 12 * 0.25 / 0.75
    assertThat(with(Map.of("replay_fraction", "0")).replayPairsFor(16)).isZero();
  }

  @Test
  void autoTrainKnobsReachTheTrainingSettings() {
    AdapterSettings s = with(Map.of("lr", "3e-4", "weight_decay", "0.05", "batch_size", "4", "gradient_accumulation", "2",
        "warmup_ratio", "0.1", "total_steps", "100", "scheduler", "linear", "mixed_precision", "none", "mode", "both"));
    var t = s.trainingSettings(false);
    assertThat(t.optimizer().learningRate()).isEqualTo(3e-4);
    assertThat(t.optimizer().weightDecay()).isEqualTo(0.05);
    assertThat(t.microBatchSize()).isEqualTo(4);
    assertThat(t.schedule().warmupSteps()).isEqualTo(10);
    assertThat(t.schedule().multiplier(100)).isEqualTo(1.0 / 90); // linear decay: (T - t + 1) / (T - W)
    assertThat(t.mode().configName()).isEqualTo("both");
    assertThat(s.stepCapacity()).isEqualTo(8);
  }

  @Test
  void invalidValuesNameTheKeyTheValueAndTheRule() {
    assertThatThrownBy(() -> with(Map.of("replay_fraction", "1")))
        .hasMessageContaining("replay_fraction must be in [0, 1), got 1.0");
    assertThatThrownBy(() -> with(Map.of("lr", "-1"))).hasMessageContaining("lr must be a finite number > 0, got -1.0");
    assertThatThrownBy(() -> with(Map.of("lora_r", "0"))).hasMessageContaining("LoRA rank must be in 1..256, got 0");
    assertThatThrownBy(() -> with(Map.of("warmup_ratio", "0.1"))).hasMessageContaining("needs total_steps > 0");
    assertThatThrownBy(() -> with(Map.of("mixed_precision", "bf16"))).hasMessageContaining("bfloat16 tensor aborts the JVM");
    assertThatThrownBy(() -> with(Map.of("loss", "hinge"))).hasMessageContaining("unknown loss 'hinge'");
    assertThatThrownBy(() -> with(Map.of("learning_rate", "1e-3"))).hasMessageContaining("unknown setting(s) [learning_rate]");
  }

  @Test
  void mixedPrecisionMustAgreeWithTheBasesPrecision() {
    assertThatThrownBy(() -> with(Map.of("mixed_precision", "fp16")).trainingSettings(false))
        .hasMessageContaining("mixed_precision fp16 needs the base in FP16");
    assertThatThrownBy(() -> with(Map.of("mixed_precision", "none")).trainingSettings(true))
        .hasMessageContaining("an FP16 base trains only with mixed precision");
    assertThat(with(Map.of()).trainingSettings(true).mixedPrecision()).isTrue();
    assertThat(with(Map.of()).trainingSettings(false).mixedPrecision()).isFalse();
  }
}
