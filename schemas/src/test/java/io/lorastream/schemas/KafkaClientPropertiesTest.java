package io.lorastream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class KafkaClientPropertiesTest {

  private static final Map<String, String> SETTINGS =
      Map.of(
          "security.protocol", "SASL_SSL",
          "sasl.jaas.config", "x password=\"${dir:/run/secrets:password}\";",
          "config.providers", "dir",
          "config.providers.dir.class",
              "org.apache.kafka.common.config.provider.DirectoryConfigProvider",
          "num.standby.replicas", "1",
          "producer.batch.size", "65536",
          "linger.ms", "5");

  @Test
  void aProducerGetsSecurityConfigProvidersAndItsPrefixedSettingsButNotStreamsOnes() {
    assertThat(KafkaClientProperties.forClient(SETTINGS, ProducerConfig.configNames(), "producer."))
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("config.providers", "dir")
        .containsEntry(
            "config.providers.dir.class",
            "org.apache.kafka.common.config.provider.DirectoryConfigProvider")
        .containsEntry("sasl.jaas.config", SETTINGS.get("sasl.jaas.config"))
        .containsEntry("batch.size", "65536")
        .containsEntry("linger.ms", "5")
        .doesNotContainKeys("num.standby.replicas", "producer.batch.size");
  }

  @Test
  void anAdminClientGetsNoProducerSettings() {
    assertThat(KafkaClientProperties.forClient(SETTINGS, AdminClientConfig.configNames(), "admin."))
        .containsOnlyKeys(
            "security.protocol",
            "sasl.jaas.config",
            "config.providers",
            "config.providers.dir.class");
  }
}
