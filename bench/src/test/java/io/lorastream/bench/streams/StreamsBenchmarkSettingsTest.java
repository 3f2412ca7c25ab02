package io.lorastream.bench.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamsBenchmarkSettingsTest {
  private static final Path DATASET = Path.of("scifact");

  @Test
  void zeroWarmupRoundsIsRefusedWithTheWayToSkipTheWarmup() {
    assertThatThrownBy(() -> new StreamsBenchmark.Settings(DATASET, 100, 50, 0, 2, 25, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("warm-up rounds must be at least 1, got 0")
        .hasMessageContaining("--warmup-impressions 0");
  }

  @Test
  void sizesBelowOneAreRefusedByName() {
    assertThatThrownBy(() -> new StreamsBenchmark.Settings(DATASET, 0, 50, 1, 2, 25, Map.of()))
        .hasMessageContaining("impressions must be at least 1, got 0");
    assertThatThrownBy(() -> new StreamsBenchmark.Settings(DATASET, 100, -1, 1, 2, 25, Map.of()))
        .hasMessageContaining("warm-up impressions must be >= 0");
    assertThatThrownBy(() -> new StreamsBenchmark.Settings(DATASET, 100, 50, 1, 0, 25, Map.of()))
        .hasMessageContaining("partitions must be at least 1, got 0");
  }

  @Test
  void streamsSettingsKeepTheirOrderAndCannotChangeAfterwards() {
    Map<String, String> set = new LinkedHashMap<>();
    set.put("commit-interval", "200ms");
    set.put("kafka.linger.ms", "20");
    var s = new StreamsBenchmark.Settings(DATASET, 100, 0, 1, 2, 25, set);
    set.put("late", "x");

    assertThat(s.streamsSettings())
        .containsExactly(Map.entry("commit-interval", "200ms"), Map.entry("kafka.linger.ms", "20"));
    assertThatThrownBy(() -> s.streamsSettings().put("y", "z"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void theAppGetsOneStreamThreadPerPartitionUpToTheCores() {
    assertThat(StreamsBenchmark.defaultStreamThreads(2, 2)).isEqualTo(2);
    assertThat(StreamsBenchmark.defaultStreamThreads(2, 16)).isEqualTo(2);
    assertThat(StreamsBenchmark.defaultStreamThreads(6, 4)).isEqualTo(4);
    assertThat(StreamsBenchmark.defaultStreamThreads(3, 1)).isEqualTo(1);
  }
}
