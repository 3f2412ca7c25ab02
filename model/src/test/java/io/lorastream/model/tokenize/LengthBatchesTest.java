package io.lorastream.model.tokenize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class LengthBatchesTest {

  @Test
  void passesGoLongestFirstWithinTheTextAndTokenBounds() {
    int[] lengths = {3, 10, 7, 10, 2, 5};
    // by length: 1 (10), 3 (10), 2 (7), 5 (5), 0 (3), 4 (2); at most 3 texts and 20 padded tokens a
    // pass
    List<int[]> passes = LengthBatches.plan(lengths, 3, 20);
    assertThat(passes).containsExactly(new int[] {1, 3}, new int[] {2, 5}, new int[] {0, 4});
  }

  @Test
  void aTextLongerThanTheTokenBoundStillGetsAPassOfItsOwn() {
    assertThat(LengthBatches.plan(new int[] {30, 4}, 8, 16))
        .containsExactly(new int[] {0}, new int[] {1});
  }

  @Test
  void theTextCountBoundsAPassOfShortTexts() {
    assertThat(LengthBatches.plan(new int[] {2, 2, 2, 2, 2}, 2, 1000))
        .containsExactly(new int[] {0, 1}, new int[] {2, 3}, new int[] {4});
  }

  @Test
  void noTextsMeanNoPassesAndAZeroTextBoundIsRefused() {
    assertThat(LengthBatches.plan(new int[0], 4, 100)).isEmpty();
    assertThatThrownBy(() -> LengthBatches.plan(new int[] {1}, 0, 100))
        .hasMessageContaining("at least one text");
  }
}
