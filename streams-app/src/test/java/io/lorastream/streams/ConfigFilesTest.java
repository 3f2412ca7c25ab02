package io.lorastream.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lorastream.streams.config.ConfigFiles;
import io.lorastream.streams.config.FeedbackStreamsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFilesTest {
  @TempDir Path dir;

  @Test
  void noSettingsGiveTheDocumentedDefaults() {
    FeedbackStreamsConfig c = ConfigFiles.fromMap(Map.of());
    assertThat(c).isEqualTo(FeedbackStreamsConfig.DEFAULTS);
    assertThat(c.window().size()).isEqualTo(Duration.ofMinutes(30));
    assertThat(c.rules().dwellThreshold()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.rules().maxNegatives()).isEqualTo(4);
    assertThat(c.topics().trainingPairs()).isEqualTo("lorastream.training-pairs");
    assertThat(c.routing().adapterFor("acme")).isEqualTo("acme");
  }

  @Test
  void theExampleFileStatesExactlyTheDefaults() {
    // the documented example and the code cannot drift apart
    assertThat(ConfigFiles.load(Path.of("config/streams.example.yaml")))
        .isEqualTo(FeedbackStreamsConfig.DEFAULTS);
  }

  @Test
  void aYamlFileWithNestedKeysIsFlattened() throws Exception {
    Path f = dir.resolve("streams.yaml");
    Files.writeString(
        f,
        """
        window: 5s
        grace: 500ms
        tenant-adapters:
          acme: acme-sci
        kafka:
          linger.ms: 20
        """);
    FeedbackStreamsConfig c = ConfigFiles.load(f);
    assertThat(c.window().size()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.window().grace()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.routing().adapterFor("acme")).isEqualTo("acme-sci");
    assertThat(c.runtime().kafka()).containsEntry("linger.ms", "20");
  }

  @Test
  void aPropertiesFileWorksTheSame() throws Exception {
    Path f = dir.resolve("streams.properties");
    Files.writeString(f, "window=PT2M\nmax-negatives=2\ndefault-adapter=shared\n");
    FeedbackStreamsConfig c = ConfigFiles.load(f);
    assertThat(c.window().size()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.rules().maxNegatives()).isEqualTo(2);
    assertThat(c.routing().adapterFor("anyone")).isEqualTo("shared");
  }

  @Test
  void errorsNameTheSettingTheValueAndTheRule() {
    assertThatThrownBy(() -> ConfigFiles.fromMap(Map.of("windw", "5s")))
        .hasMessageContaining("unknown setting(s) [windw]");
    assertThatThrownBy(() -> ConfigFiles.fromMap(Map.of("window", "soon")))
        .hasMessageContaining("window='soon'")
        .hasMessageContaining("500ms");
    assertThatThrownBy(() -> ConfigFiles.fromMap(Map.of("max-negatives", "-1")))
        .hasMessageContaining("max-negatives must be in 0..100, got -1");
    assertThatThrownBy(() -> ConfigFiles.fromMap(Map.of("grace", "-PT1S")))
        .hasMessageContaining("grace must be >= 0");
    assertThatThrownBy(() -> ConfigFiles.load(dir.resolve("missing.yaml")))
        .hasMessageContaining("does not exist");
  }

  @Test
  void theLimitsAreSettingsAndContradictoryOnesFailNamingBoth() {
    FeedbackStreamsConfig c =
        ConfigFiles.fromMap(
            Map.of(
                "max-json-depth",
                "16",
                "max-json-tokens",
                "5000",
                "max-interactions-per-impression",
                "50",
                "max-impression-bytes",
                "65536",
                "max-thread-replacements",
                "1",
                "thread-replacement-window",
                "2m",
                "thread-recovery-timeout",
                "90s"));
    assertThat(c.jsonLimits().maxDepth()).isEqualTo(16);
    assertThat(c.jsonLimits().maxTokens()).isEqualTo(5000);
    assertThat(c.impressionLimits().maxInteractions()).isEqualTo(50);
    assertThat(c.impressionLimits().maxBytes()).isEqualTo(65536);
    assertThat(c.threadReplacement().maxReplacements()).isEqualTo(1);
    assertThat(c.threadReplacement().window()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.threadReplacement().recoveryTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThatThrownBy(() -> ConfigFiles.fromMap(Map.of("max-json-depth", "5000")))
        .hasMessageContaining("max-json-depth must be in 1..1000, got 5000");
    assertThatThrownBy(() -> ConfigFiles.fromMap(Map.of("max-json-string-chars", "1000")))
        .hasMessageContaining(
            "max-json-string-chars (1000) must be at least max-query-chars and max-document-chars");
    assertThatThrownBy(() -> ConfigFiles.fromMap(Map.of("max-interactions-per-impression", "0")))
        .hasMessageContaining("max-interactions-per-impression must be >= 1, got 0");
    assertThatThrownBy(() -> ConfigFiles.fromMap(Map.of("max-thread-replacements", "-1")))
        .hasMessageContaining("max-thread-replacements must be >= 0");
  }
}
