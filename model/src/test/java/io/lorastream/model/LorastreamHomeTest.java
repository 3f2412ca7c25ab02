package io.lorastream.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LorastreamHomeTest {

  @Test
  void homePrefersThePropertyThenTheEnvironmentThenTheUserFolder() {
    assertThat(LorastreamHome.resolve("/p", "/e", "/home/u")).isEqualTo(Path.of("/p"));
    assertThat(LorastreamHome.resolve(null, "/e", "/home/u")).isEqualTo(Path.of("/e"));
    assertThat(LorastreamHome.resolve(" ", null, "/home/u"))
        .isEqualTo(Path.of("/home/u/.lorastream"));
  }
}
