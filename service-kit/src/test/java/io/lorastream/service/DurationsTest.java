package io.lorastream.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void everyServiceReadsTheSameDurations() {
    assertThat(Durations.parse("0")).isEqualTo(Duration.ZERO);
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(Durations.parse(" 10 S ")).isEqualTo(Duration.ofSeconds(10));
    assertThat(Durations.parse("PT30M")).isEqualTo(Duration.ofMinutes(30));
    assertThat(Durations.parse("pt0s")).isEqualTo(Duration.ZERO);
    assertThat(Durations.parse("-PT1S")).isEqualTo(Duration.ofSeconds(-1));
  }

  @Test
  void anythingElseIsRefusedWithExamples() {
    for (String bad : new String[] {"soon", "1.5s", "10", "5 minutes", ""}) {
      assertThatThrownBy(() -> Durations.parse(bad))
          .hasMessageContaining("is not a duration")
          .hasMessageContaining("500ms");
    }
  }
}
