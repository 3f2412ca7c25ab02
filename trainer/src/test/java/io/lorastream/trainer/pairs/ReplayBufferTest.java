package io.lorastream.trainer.pairs;

import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.trainer.Pairs;
import io.lorastream.trainer.step.SplitMix64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplayBufferTest {

  @Test
  void theReservoirKeepsEarlyAndLatePairsAboutEquallyOften() {
    // 100 pairs into 10 slots, 2,000 times: every pair is kept with probability 10 / 100
    int early = 0;
    int late = 0;
    SplitMix64 r = new SplitMix64(5);
    for (int run = 0; run < 2000; run++) {
      ReplayBuffer b = new ReplayBuffer(10);
      for (int i = 0; i < 100; i++) {
        b.offer(new BufferedPair("p" + i, "q", "d", "d", List.of(), List.of(), 1, null, i), r);
      }
      for (BufferedPair p : b.pairs()) {
        if (p.eventTimeMs() < 50) {
          early++;
        } else {
          late++;
        }
      }
    }
    assertThat(early).isBetween(9_400, 10_600); // 10,000 expected each
    assertThat(late).isBetween(9_400, 10_600);
  }

  @Test
  void samplesAreDistinctAndABufferRestoredFromItsStateChoosesAlike() {
    SplitMix64 r = new SplitMix64(11);
    ReplayBuffer b = new ReplayBuffer(8);
    for (int i = 0; i < 30; i++) {
      b.offer(Pairs.buffered(i), r);
    }
    ReplayBuffer restored = new ReplayBuffer(8, b.pairs(), b.offered());
    SplitMix64 r2 = new SplitMix64(r.state());
    List<BufferedPair> s1 = b.sample(5, r);
    List<BufferedPair> s2 = restored.sample(5, r2);
    assertThat(s2).isEqualTo(s1);
    Set<String> ids = new HashSet<>();
    s1.forEach(p -> ids.add(p.pairId()));
    assertThat(ids).hasSize(5);
    assertThat(b.sample(50, r)).hasSize(8);
    b.offer(Pairs.buffered(99), r);
    restored.offer(Pairs.buffered(99), r2);
    assertThat(restored.pairs()).isEqualTo(b.pairs());
  }
}
