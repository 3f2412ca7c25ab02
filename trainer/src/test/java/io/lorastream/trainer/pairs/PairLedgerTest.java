package io.lorastream.trainer.pairs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PairLedgerTest {

  @Test
  void aPairAddsTheTwoHalvesOfItsSha256() {
    // python3: d = sha256(b"pair-1").digest(); hex(int.from_bytes(d[:8], "big")),
    // hex(int.from_bytes(d[8:16], "big"))
    PairLedger l = PairLedger.EMPTY.plus("pair-1");
    assertThat(l.pairs()).isEqualTo(1);
    assertThat(l.sumHigh()).isEqualTo(0xfd155c00a630ef82L);
    assertThat(l.sumLow()).isEqualTo(0xac17c53b9e95c9c6L);
    assertThat(l.digest()).isEqualTo("fd155c00a630ef82ac17c53b9e95c9c6");
  }

  @Test
  void orderDoesNotMatterButARepeatOrALossDoes() {
    PairLedger abc = PairLedger.of(List.of("a", "b", "c"));
    assertThat(PairLedger.of(List.of("c", "a", "b"))).isEqualTo(abc);
    assertThat(PairLedger.of(List.of("a", "b", "c", "b"))).isNotEqualTo(abc);
    assertThat(PairLedger.of(List.of("a", "b"))).isNotEqualTo(abc);
    assertThat(PairLedger.of(List.of("a", "b", "d"))).isNotEqualTo(abc);
  }
}
