package io.lorastream.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsFileTest {
  @TempDir Path dir;

  @Test
  void yamlNestingJoinsWithDotsAndListsWithCommas() throws Exception {
    Path f = dir.resolve("s.yaml");
    Files.writeString(
        f,
        """
        batch: {max-size: 8}
        targets: [query, value]
        kafka:
          security.protocol: SASL_SSL
        adapters:
          scifact: {}
        ignored:
        """);
    SettingsFile read = SettingsFile.read(f);
    assertThat(read.values())
        .isEqualTo(
            Map.of(
                "batch.max-size",
                "8",
                "targets",
                "query,value",
                "kafka.security.protocol",
                "SASL_SSL"));
    Map<String, String> kafka =
        SettingsFile.load(
            f,
            Map.of(),
            s -> {
              assertThat(s.emptySectionsUnder("adapters.")).containsExactly("scifact");
              s.get("batch.max-size", 0, Integer::parseInt);
              s.get("targets", "", v -> v);
              s.withPrefix("adapters.");
              Map<String, String> k = s.withPrefix("kafka.");
              s.failOnUnknown();
              return k;
            });
    assertThat(kafka).containsEntry("security.protocol", "SASL_SSL");
  }

  @Test
  void propertiesFilesAndOverrides() throws Exception {
    Path f = dir.resolve("s.properties");
    Files.writeString(f, "metrics-port = 1\nwindow=5s\n");
    int port =
        SettingsFile.load(
            f,
            Map.of("metrics-port", "2"),
            s -> {
              s.get("window", null, Durations::parse);
              return s.get("metrics-port", 0, Integer::parseInt);
            });
    assertThat(port).isEqualTo(2);
  }

  @Test
  void errorsNameTheFile() throws Exception {
    Path f = dir.resolve("trainer.yaml");
    Files.writeString(f, "metrics_port: 1\n");
    assertThatThrownBy(
            () ->
                SettingsFile.load(
                    f,
                    Map.of(),
                    s -> {
                      s.get("metrics-port", 0, Integer::parseInt);
                      s.failOnUnknown();
                      return s;
                    }))
        .hasMessageContaining("config file " + f)
        .hasMessageContaining("`metrics_port` is now spelled `metrics-port`");
    assertThatThrownBy(() -> SettingsFile.read(dir.resolve("missing.yaml")))
        .hasMessageContaining("does not exist");
    Path txt = Files.writeString(dir.resolve("s.txt"), "a=1");
    assertThatThrownBy(() -> SettingsFile.read(txt))
        .hasMessageContaining("must end in .properties, .yaml or .yml");
    Path list = Files.writeString(dir.resolve("l.yaml"), "- a\n- b\n");
    assertThatThrownBy(() -> SettingsFile.read(list))
        .hasMessageContaining("must hold a YAML mapping");
  }
}
