package io.lorastream.model.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

  @Test
  void warmupRisesLinearlyThenHolds() {
    LearningRateSchedule schedule = LearningRateSchedule.warmupThenConstant(4);
    assertThat(LongStream.rangeClosed(1, 6).mapToDouble(schedule::multiplier).toArray())
        .containsExactly(0.25, 0.5, 0.75, 1.0, 1.0, 1.0);
    assertThat(schedule.multiplier(1_000_000)).isEqualTo(1.0);
    assertThat(LearningRateSchedule.constant().multiplier(1)).isEqualTo(1.0);
  }

  @Test
  void linearDecayReachesZeroAfterTheTotalSteps() {
    // W = 2, T = 6: warmup 1/2, 2/2; then (T - t + 1) / (T - W) = 4/4, 3/4, 2/4, 1/4; then 0.
    LearningRateSchedule schedule = LearningRateSchedule.warmupThenLinearDecay(2, 6);
    assertThat(LongStream.rangeClosed(1, 8).mapToDouble(schedule::multiplier).toArray())
        .containsExactly(0.5, 1.0, 1.0, 0.75, 0.5, 0.25, 0.0, 0.0);
    // Without warmup the first step runs at the full rate.
    assertThat(LearningRateSchedule.warmupThenLinearDecay(0, 4).multiplier(1)).isEqualTo(1.0);
  }

  @Test
  void contradictorySchedulesAreRefused() {
    assertThatThrownBy(() -> LearningRateSchedule.warmupThenLinearDecay(10, 10))
        .hasMessageContaining("linear decay needs total steps > warmup steps, got total 10");
    assertThatThrownBy(() -> new LearningRateSchedule(0, 100, LearningRateSchedule.Decay.CONSTANT))
        .hasMessageContaining("total steps (100) only apply to linear decay");
    assertThatThrownBy(() -> LearningRateSchedule.warmupThenConstant(-1))
        .hasMessageContaining("warmup steps must be >= 0, got -1");
    assertThatThrownBy(() -> LearningRateSchedule.constant().multiplier(0))
        .hasMessageContaining("optimizer steps count from 1, got 0");
    assertThatThrownBy(() -> LearningRateSchedule.Decay.parse("cosine"))
        .hasMessageContaining("expected 'constant' or 'linear'");
  }
}
