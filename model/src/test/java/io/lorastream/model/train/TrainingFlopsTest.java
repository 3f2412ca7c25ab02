package io.lorastream.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.model.encoder.EncoderConfig;
import org.junit.jupiter.api.Test;

class TrainingFlopsTest {

  // H = 4, F = 8, 2 layers; hand count per text of L tokens:
  // linears 2 L (4*16 + 2*4*8) = 256 L, attention 4 L^2 * 4 = 16 L^2.
  private static final EncoderConfig SMALL =
      new EncoderConfig(100, 4, 2, 2, 8, 32, 2, 1e-12, "gelu");

  @Test
  void forwardCountsEachTextAtItsOwnLength() {
    // L = 3: 768 + 144 = 912; L = 1: 256 + 16 = 272; two layers: 2 * 1184
    assertThat(TrainingFlops.tower(SMALL, new int[] {3, 1}, false)).isEqualTo(2368.0);
  }

  @Test
  void backwardAddsTheLinearsOnceAndTheAttentionProductsTwice() {
    // L = 2: linears 512, attention 64; forward 576 + backward 512 + 128 = 1216; two layers
    assertThat(TrainingFlops.tower(SMALL, new int[] {2}, true)).isEqualTo(2432.0);
  }

  @Test
  void paddingIsNotCounted() {
    // a batch of lengths 3 and 1 is packed, not padded to 3 + 3
    assertThat(TrainingFlops.tower(SMALL, new int[] {3, 1}, true))
        .isLessThan(TrainingFlops.tower(SMALL, new int[] {3, 3}, true));
  }
}
