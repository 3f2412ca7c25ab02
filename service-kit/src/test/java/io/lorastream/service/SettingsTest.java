package io.lorastream.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SettingsTest {

  /** A small service: two keys, a duration and a verbatim Kafka section. */
  private static Map<String, Object> read(Settings s) {
    int port = s.get("metrics-port", 9410, Integer::parseInt);
    Duration window = s.get("window", Duration.ofMinutes(30), Durations::parse);
    Map<String, String> kafka = s.withPrefix("kafka.");
    s.failOnUnknown();
    return Map.of("port", port, "window", window, "kafka", kafka);
  }

  @Test
  void absentAndBlankKeysTakeTheirDefaults() {
    assertThat(read(Settings.of(Map.of())))
        .containsEntry("port", 9410)
        .containsEntry("window", Duration.ofMinutes(30));
    assertThat(read(Settings.of(Map.of("metrics-port", " ")))).containsEntry("port", 9410);
  }

  @Test
  void kafkaPropertiesPassVerbatim() {
    Map<String, Object> r =
        read(Settings.of(Map.of("kafka.security.protocol", "SASL_SSL", "kafka.sasl_odd", "x")));
    assertThat(r.get("kafka")).isEqualTo(Map.of("security.protocol", "SASL_SSL", "sasl_odd", "x"));
  }

  @Test
  void anOldSpellingIsRefusedNamingTheNewOne() {
    assertThatThrownBy(() -> read(Settings.of(Map.of("metrics_port", "1"))))
        .hasMessageContaining("`metrics_port` is now spelled `metrics-port`");
    assertThatThrownBy(() -> read(Settings.of(Map.of("metricsPort", "1"))))
        .hasMessageContaining("`metricsPort` is now spelled `metrics-port`");
  }

  @Test
  void anUnknownKeyIsRefusedNamingTheNearestKnownKey() {
    assertThatThrownBy(() -> read(Settings.of(Map.of("windw", "5s"))))
        .hasMessageContaining("unknown setting(s) [windw]")
        .hasMessageContaining("windw -> window");
    assertThatThrownBy(() -> read(Settings.of(Map.of("kafk.linger.ms", "5"))))
        .hasMessageContaining("kafk.linger.ms -> kafka.<name>");
  }

  @Test
  void aBadValueNamesKeyValueAndRule() {
    assertThatThrownBy(() -> read(Settings.of(Map.of("window", "soon"))))
        .hasMessageContaining("setting window='soon' is invalid")
        .hasMessageContaining("7d");
    assertThatThrownBy(() -> read(Settings.of(Map.of("metrics-port", "eighty"))))
        .hasMessageContaining("metrics-port='eighty'")
        .hasMessageContaining("not a number");
  }

  @Test
  void emptySectionsDeclareNamesAndCountAsKnownUnderAPrefix() {
    Settings s =
        new Settings(Map.of("adapters.legal.lr", "1"), Set.of("adapters.scifact", "kafka"));
    assertThat(s.emptySectionsUnder("adapters.")).containsExactly("scifact");
    s.withPrefix("adapters.");
    assertThat(s.withPrefix("kafka.")).isEmpty();
    s.failOnUnknown();
    Settings typo = new Settings(Map.of(), Set.of("adaptrs.scifact"));
    typo.withPrefix("adapters.");
    assertThatThrownBy(typo::failOnUnknown).hasMessageContaining("[adaptrs.scifact]");
  }

  @Test
  void askedRecordsKeysAndPrefixesForTheDocsTests() {
    Settings s = Settings.of(Map.of());
    read(s);
    assertThat(s.asked()).containsExactlyInAnyOrder("metrics-port", "window", "kafka.*");
  }

  @Test
  void oldSpellingsAreKebabCase() {
    assertThat(KeySpelling.kebab("adapter_defaults.lora_r")).isEqualTo("adapter-defaults.lora-r");
    assertThat(KeySpelling.kebab("batch.maxSize")).isEqualTo("batch.max-size");
    assertThat(KeySpelling.kebab("max-json-depth")).isEqualTo("max-json-depth");
  }
}
