package io.lorastream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ContainerKafkaTest {

  @Test
  void brokerPropertiesBecomeTheEnvironmentNamesTheApacheKafkaImageReads() {
    // The image's rule (docker/resources/ub/ub.go ConvertKey, read backwards): '.' <- '_',
    // '_' <- '__', '-' <- '___', upper case, KAFKA_ prefix.
    assertThat(ContainerKafka.envName("message.max.bytes")).isEqualTo("KAFKA_MESSAGE_MAX_BYTES");
    assertThat(ContainerKafka.envName("log.cleaner.dedupe.buffer.size"))
        .isEqualTo("KAFKA_LOG_CLEANER_DEDUPE_BUFFER_SIZE");
    assertThat(ContainerKafka.envName("some_prop.with-dash"))
        .isEqualTo("KAFKA_SOME__PROP_WITH___DASH");
  }
}
