package io.lorastream.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BooleansTest {
  @Test
  void trueYesOnAndFalseNoOffInAnyCase() {
    for (String t : new String[] {"true", "YES", "On"}) {
      assertThat(Booleans.parse(t)).isTrue();
    }
    for (String f : new String[] {"false", "no", "OFF"}) {
      assertThat(Booleans.parse(f)).isFalse();
    }
    assertThatThrownBy(() -> Booleans.parse("1")).hasMessageContaining("'1' is not a boolean");
  }
}
