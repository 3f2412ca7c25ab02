package io.lorastream.model.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AdapterKeyTest {

  @Test
  void keysArePaddedToSixDigitsAndParseBack() {
    assertThat(new AdapterKey("scifact", 42)).hasToString("scifact@000042");
    assertThat(new AdapterKey("a.b_c-1", 1234567)).hasToString("a.b_c-1@1234567");
    assertThat(AdapterKey.parse("scifact@000042")).isEqualTo(new AdapterKey("scifact", 42));
    assertThat(AdapterKey.parse("x@2147483647")).isEqualTo(new AdapterKey("x", Integer.MAX_VALUE));
  }

  @Test
  void allVersionsOfAnAdapterShareOnePartition() {
    int p = new AdapterKey("scifact", 1).partition(6);
    for (int v = 2; v < 50; v++) {
      assertThat(new AdapterKey("scifact", v).partition(6)).isEqualTo(p);
    }
    assertThat(p).isEqualTo(Math.floorMod("scifact".hashCode(), 6)).isBetween(0, 5);
    assertThat(new AdapterKey("scifact", 1).partition(1)).isZero();
  }

  @Test
  void nonCanonicalOrInvalidKeysAreRefused() {
    assertThatThrownBy(() -> AdapterKey.parse("scifact@42"))
        .hasMessageContaining("<adapter>@<version>");
    assertThatThrownBy(() -> AdapterKey.parse("scifact@0000042"))
        .hasMessageContaining("expected 'scifact@000042'");
    assertThatThrownBy(() -> AdapterKey.parse("scifact@000000"))
        .hasMessageContaining("version must be >= 1");
    assertThatThrownBy(() -> AdapterKey.parse("scifact@9999999999"))
        .hasMessageContaining("above 2147483647");
    assertThatThrownBy(() -> AdapterKey.parse("SciFact@000001"))
        .hasMessageContaining("<adapter>@<version>");
    assertThatThrownBy(() -> new AdapterKey("base", 1)).hasMessageContaining("reserved");
    assertThatThrownBy(() -> new AdapterKey("has space", 1)).hasMessageContaining("is invalid");
  }
}
