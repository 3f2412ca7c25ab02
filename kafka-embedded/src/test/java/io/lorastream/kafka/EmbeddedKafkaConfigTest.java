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

  @Test
  void aClusterOfThreeKeepsThreeReplicasTwoInSyncAndStopsNodesWithoutHandingOverLeadership() {
    assertThat(EmbeddedKafkaConfig.clusterBrokerProperties(3))
        .containsEntry("offsets.topic.replication.factor", "3")
        .containsEntry("transaction.state.log.replication.factor", "3")
        .containsEntry("transaction.state.log.min.isr", "2")
        .containsEntry("default.replication.factor", "3")
        .containsEntry("min.insync.replicas", "2")
        .containsEntry("controlled.shutdown.enable", "false");
    assertThat(EmbeddedKafkaConfig.clusterBrokerProperties(2))
        .containsEntry("default.replication.factor", "2")
        .containsEntry("min.insync.replicas", "1");
    assertThat(EmbeddedKafkaConfig.clusterBrokerProperties(5))
        .containsEntry("default.replication.factor", "3");
    assertThatThrownBy(() -> EmbeddedKafkaConfig.clusterBrokerProperties(0))
        .hasMessageContaining("0");
  }

  @Test
  void securitySettingsTheBrokerDerivesCannotBeOverridden() {
    assertThatThrownBy(
            () ->
                EmbeddedKafkaConfig.defaults()
                    .withBrokerProperties(Map.of("super.users", "User:mallory")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("super.users");
  }

  @Test
  void brokerSecurityRefusesWhatWouldBreakAJaasLineAndNeverPrintsPasswords() {
    assertThatThrownBy(() -> BrokerSecurity.scram(Map.of("alice", "pass\"word")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("alice")
        .hasMessageContaining("double quotes");
    assertThatThrownBy(() -> BrokerSecurity.scram(Map.of("alice", "line\n")))
        .hasMessageContaining("line breaks");
    BrokerSecurity security = BrokerSecurity.scram(Map.of("alice", "alice-secret"));
    assertThat(security.toString())
        .contains("alice")
        .doesNotContain("alice-secret")
        .doesNotContain(security.adminPassword());
    assertThat(security.clientProperties("alice"))
        .containsEntry("security.protocol", "SASL_PLAINTEXT")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
    assertThat(security.clientProperties("alice").get("sasl.jaas.config").toString())
        .contains("username=\"alice\" password=\"alice-secret\"");
    assertThatThrownBy(() -> security.clientProperties("bob")).hasMessageContaining("bob");
  }
}
