package io.lorastream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaConfigTest {

  @TempDir Path tmp;

  @Test
  void defaultsSuitASingleNodeWithTransactionsAndLargeRecords() {
    Map<String, String> p = EmbeddedKafkaConfig.defaults().effectiveBrokerProperties();

    assertThat(p)
        .containsEntry("offsets.topic.replication.factor", "1")
        .containsEntry("transaction.state.log.replication.factor", "1")
        .containsEntry("transaction.state.log.min.isr", "1")
        .containsEntry("group.initial.rebalance.delay.ms", "0")
        .containsEntry("auto.create.topics.enable", "false")
        .containsEntry("message.max.bytes", "67108864")
        .containsEntry("replica.fetch.max.bytes", "67108864");
  }

  @Test
  void extraPropertiesOverrideTheDefaults() {
    EmbeddedKafkaConfig config =
        EmbeddedKafkaConfig.defaults()
            .withBrokerProperties(Map.of("auto.create.topics.enable", "true"));

    assertThat(config.effectiveBrokerProperties())
        .containsEntry("auto.create.topics.enable", "true");
    assertThat(EmbeddedKafkaConfig.defaultBrokerProperties())
        .containsEntry("auto.create.topics.enable", "false");
  }

  @Test
  void aPortOutsideTheTcpRangeIsRefusedNamingTheValue() {
    assertThatThrownBy(() -> EmbeddedKafkaConfig.defaults().withPort(70000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port")
        .hasMessageContaining("70000");
    assertThatThrownBy(() -> EmbeddedKafkaConfig.defaults().withPort(-1))
        .hasMessageContaining("-1");
  }

  @Test
  void settingsTheBrokerDerivesItselfCannotBeOverridden() {
    assertThatThrownBy(
            () ->
                EmbeddedKafkaConfig.defaults()
                    .withBrokerProperties(
                        Map.of("listeners", "PLAINTEXT://:9092", "log.dirs", "/x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[listeners, log.dirs]")
        .hasMessageContaining("port and dataDir");
  }

  @Test
  void aFileAsDataDirIsRefused() throws Exception {
    Path file = Files.writeString(tmp.resolve("file"), "x");

    assertThatThrownBy(() -> EmbeddedKafkaConfig.defaults().withDataDir(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dataDir")
        .hasMessageContaining(file.toString());
  }

  @Test
  void nullValuesAreRefused() {
    Map<String, String> withNull = new HashMap<>();
    withNull.put("message.max.bytes", null);

    assertThatThrownBy(() -> EmbeddedKafkaConfig.defaults().withBrokerProperties(withNull))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("message.max.bytes");
  }

  @Test
  void theConfigCopiesItsPropertiesSoLaterChangesDoNotLeakIn() {
    Map<String, String> props = new HashMap<>(Map.of("num.io.threads", "2"));
    EmbeddedKafkaConfig config = EmbeddedKafkaConfig.defaults().withBrokerProperties(props);
    props.put("num.io.threads", "99");

    assertThat(config.brokerProperties()).containsEntry("num.io.threads", "2");
  }
}
