package io.lorastream.server.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModelSpecTest {

  @Test
  void baseAdapterAndVersionedNamesAreTold() {
    assertThat(ModelSpec.parse("base", "m").isBase()).isTrue();
    assertThat(ModelSpec.parse("scifact", "m")).isEqualTo(new ModelSpec("scifact", null));
    assertThat(ModelSpec.parse("scifact@7", "m")).isEqualTo(new ModelSpec("scifact", 7));
    assertThat(ModelSpec.parse("scifact@000007", "m"))
        .as("Kafka key form")
        .isEqualTo(new ModelSpec("scifact", 7));
    assertThat(ModelSpec.parse("scifact@7", "m").toString()).isEqualTo("scifact@7");
  }

  @Test
  void invalidNamesSayWhatIsAccepted() {
    assertThatThrownBy(() -> ModelSpec.parse("", "m")).hasMessageContaining("'base', '<adapter>'");
    assertThatThrownBy(() -> ModelSpec.parse("SciFact", "m"))
        .hasMessageContaining("neither 'base' nor an adapter name");
    assertThatThrownBy(() -> ModelSpec.parse("scifact@9999999999", "m"))
        .hasMessageContaining("versions are 1 to 2147483647");
  }
}
