package io.lorastream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lorastream.model.lora.LoraTarget;
import io.lorastream.model.loss.LossKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerConfigFilesTest {

  @TempDir Path dir;

  @Test
  void aYamlFileConfiguresTheTrainerItsDefaultsAndEachAdapter() throws Exception {
    Path f = dir.resolve("trainer.yaml");
    Files.writeString(
        f,
        """
        bootstrap: 127.0.0.1:9092
        commit-interval: 500ms
        keep-versions: 3
        adapter-defaults:
          lr: 5e-4
          loss: triplet
        adapters:
          scifact:
            lora-r: 4
            target-modules: [query, key, value]
          legal.v2: {}
        kafka:
          linger.ms: 5
        """);
    TrainerSettings s = TrainerConfigFiles.load(f);
    assertThat(s.bootstrap()).isEqualTo("127.0.0.1:9092");
    assertThat(s.commitInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(s.keepVersions()).isEqualTo(3);
    assertThat(s.adapters()).containsOnlyKeys("scifact", "legal.v2");
    AdapterSettings scifact = s.settingsFor("scifact");
    assertThat(scifact.lora().rank()).isEqualTo(4);
    assertThat(scifact.lora().targets())
        .containsExactlyInAnyOrder(LoraTarget.QUERY, LoraTarget.KEY, LoraTarget.VALUE);
    assertThat(scifact.learningRate()).isEqualTo(5e-4); // from adapter-defaults
    assertThat(scifact.loss().kind()).isEqualTo(LossKind.TRIPLET);
    assertThat(s.settingsFor("legal.v2").lora().rank()).isEqualTo(8);
    assertThat(s.settingsFor("unknown").learningRate()).isEqualTo(5e-4);
    assertThat(s.kafka()).containsEntry("linger.ms", "5");
  }

  @Test
  void propertiesWorkTooAndTheCommandLineWins() throws Exception {
    Path f = dir.resolve("trainer.properties");
    Files.writeString(f, "bootstrap=a:1\nadapters.scifact.mode=both\nunknown-adapters=skip\n");
    TrainerSettings s = TrainerConfigFiles.load(f, Map.of("bootstrap", "b:2"));
    assertThat(s.bootstrap()).isEqualTo("b:2");
    assertThat(s.settingsFor("scifact").mode().configName()).isEqualTo("both");
    assertThat(s.unknownAdapters()).isEqualTo(UnknownAdapters.SKIP);
  }

  @Test
  void theDefaultsAreTheDocumentedOnes() {
    TrainerSettings s = TrainerConfigFiles.defaults("x:1");
    assertThat(s.commitEverySteps()).isEqualTo(20);
    assertThat(s.commitInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.batchMaxWait()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.holdoutFraction()).isEqualTo(0.1);
    assertThat(s.keepVersions()).isEqualTo(5);
    assertThat(s.maxRecordBytes()).isEqualTo(64 * 1024 * 1024);
    assertThat(s.adapterDefaults()).isEqualTo(AdapterSettings.DEFAULTS);
    assertThat(s.limits()).isEqualTo(TrainerLimits.DEFAULTS);
    assertThat(s.limits().maxTextChars(s.adapterDefaults())).isEqualTo(100_000);
    assertThat(TrainerLimits.keptTextChars(s.adapterDefaults())).isEqualTo(64 * 256);
    assertThat(s.limits().maxPendingPairs()).isEqualTo(256);
    assertThat(s.checkpointKey()).isNull();
  }

  @Test
  void limitsAreSettingsAndAPendingBoundBelowAStepFails() {
    TrainerSettings s =
        TrainerConfigFiles.fromMap(
            Map.of(
                "bootstrap",
                "a:1",
                "max-text-chars",
                "5000",
                "max-pending-pairs",
                "32",
                "checkpoint-key",
                "/etc/lorastream/checkpoint.key",
                "checkpoint-max-json-bytes",
                "2000000"));
    assertThat(s.limits().maxTextChars(s.adapterDefaults())).isEqualTo(5000);
    assertThat(s.limits().maxPendingPairs()).isEqualTo(32);
    assertThat(s.limits().checkpointMaxJsonBytes()).isEqualTo(2_000_000);
    assertThat(s.checkpointKey()).isEqualTo(Path.of("/etc/lorastream/checkpoint.key"));
    assertThat(
            TrainerConfigFiles.fromMap(Map.of("bootstrap", "a:1", "max-text-chars", "auto"))
                .limits()
                .maxTextChars())
        .isNull();
    assertThatThrownBy(
            () -> TrainerConfigFiles.fromMap(Map.of("bootstrap", "a:1", "max-pending-pairs", "4")))
        .hasMessageContaining(
            "max-pending-pairs (4) is below the 8 new pairs a step of adapter-defaults takes");
    assertThatThrownBy(
            () -> TrainerConfigFiles.fromMap(Map.of("bootstrap", "a:1", "max-pair-weight", "1e39")))
        .hasMessageContaining("max-pair-weight must be a finite float");
  }

  @Test
  void mistakesFailNamingTheKey() throws Exception {
    assertThatThrownBy(
            () -> TrainerConfigFiles.fromMap(Map.of("bootstrap", "a:1", "comit_interval", "2s")))
        .hasMessageContaining("unknown setting(s) [comit_interval]");
    assertThatThrownBy(
            () -> TrainerConfigFiles.fromMap(Map.of("bootstrap", "a:1", "adapters.x.lr", "fast")))
        .hasMessageContaining("adapters.x")
        .hasMessageContaining("lr='fast'");
    assertThatThrownBy(
            () ->
                TrainerConfigFiles.fromMap(Map.of("bootstrap", "a:1", "adapters.Bad Name.lr", "1")))
        .hasMessageContaining("adapter name 'Bad Name' is invalid");
    assertThatThrownBy(() -> TrainerConfigFiles.fromMap(Map.of("commit-interval", "2s")))
        .hasMessageContaining("bootstrap is required");
    assertThatThrownBy(
            () -> TrainerConfigFiles.fromMap(Map.of("bootstrap", "a:1", "commit-interval", "soon")))
        .hasMessageContaining("'soon' is not a duration");
    assertThatThrownBy(
            () -> TrainerConfigFiles.fromMap(Map.of("bootstrap", "a:1", "holdout-fraction", "0")))
        .hasMessageContaining("holdout-fraction is 0 but adapter-defaults has no eval-dataset");
    Path f = dir.resolve("trainer.toml");
    Files.writeString(f, "x=1");
    assertThatThrownBy(() -> TrainerConfigFiles.load(f))
        .hasMessageContaining("must end in .properties, .yaml or .yml");
  }
}
