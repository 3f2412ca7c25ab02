package io.lorastream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TestKafkaTest {

  @AfterEach
  void clearMode() {
    System.clearProperty(TestKafka.MODE_PROPERTY);
  }

  @Test
  void theModeSwitchAcceptsItsThreeValuesInAnyCase() {
    System.setProperty(TestKafka.MODE_PROPERTY, "Embedded");
    assertThat(TestKafka.mode()).isEqualTo(TestKafka.Mode.EMBEDDED);
    System.setProperty(TestKafka.MODE_PROPERTY, "container");
    assertThat(TestKafka.mode()).isEqualTo(TestKafka.Mode.CONTAINER);
    System.setProperty(TestKafka.MODE_PROPERTY, " auto ");
    assertThat(TestKafka.mode()).isEqualTo(TestKafka.Mode.AUTO);
  }

  @Test
  void anUnknownModeIsRefusedListingTheValidOnes() {
    System.setProperty(TestKafka.MODE_PROPERTY, "docker");

    assertThatThrownBy(TestKafka::mode)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'docker'")
        .hasMessageContaining("auto, embedded or container");
  }
}
