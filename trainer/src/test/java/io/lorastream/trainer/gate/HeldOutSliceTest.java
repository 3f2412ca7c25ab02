package io.lorastream.trainer.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class HeldOutSliceTest {

  @Test
  void theQuerysPlaceIsTheFirstEightBytesOfItsSha256AsAFraction() {
    // python3: d = sha256(b"acme\nwhat causes scurvy").digest(); (int.from_bytes(d[:8], "big") >>
    // 11) * 2**-53
    assertThat(HeldOutSlice.position("acme", "What  causes scurvy "))
        .isCloseTo(0.04119265929295102, within(1e-15));
    assertThat(HeldOutSlice.queryId("acme", "what causes scurvy"))
        .isEqualTo("0a8b9a247f9d65bfc904f5646d64b0d9");
    assertThat(HeldOutSlice.isHeldOut("acme", "what causes scurvy", 0.05)).isTrue();
    assertThat(HeldOutSlice.isHeldOut("acme", "what causes scurvy", 0.04)).isFalse();
  }

  @Test
  void spellingsOfOneQueryLandOnTheSameSideAndTenantsDiffer() {
    assertThat(HeldOutSlice.queryId("t", " Vitamin C   and colds"))
        .isEqualTo(HeldOutSlice.queryId("t", "vitamin c and colds"));
    assertThat(HeldOutSlice.queryId("t1", "vitamin c"))
        .isNotEqualTo(HeldOutSlice.queryId("t2", "vitamin c"));
  }

  @Test
  void aboutTheConfiguredFractionOfQueriesIsHeldOut() {
    int held = 0;
    for (int i = 0; i < 20_000; i++) {
      held += HeldOutSlice.isHeldOut("tenant", "query number " + i, 0.1) ? 1 : 0;
    }
    assertThat(held).isBetween(1_800, 2_200); // 2,000 expected, sd about 42
    assertThat(HeldOutSlice.isHeldOut("tenant", "anything", 0.0)).isFalse();
  }
}
