package io.lorastream.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.model.tokenize.TokenBatch;
import io.lorastream.model.tokenize.Tokens;
import java.util.List;
import org.junit.jupiter.api.Test;

class PackedInputsTest {

  @Test
  void twoTextsPackWithoutPaddingAndIndexBothLayouts() {
    // text 0 = [101, 7, 102] (3 tokens), text 1 = [101, 102] (2 tokens): M = 5, B = 2, T = 3, P = 6
    TokenBatch batch =
        TokenBatch.pad(
            List.of(
                new Tokens(new long[] {101, 7, 102}, new long[] {0, 0, 0}, false),
                new Tokens(new long[] {101, 102}, new long[] {0, 1}, false)));
    PackedInputs in = PackedInputs.of(batch);

    assertThat(in.tokens()).isEqualTo(5);
    assertThat(in.ids()).containsExactly(101, 7, 102, 101, 102);
    assertThat(in.typeIds()).containsExactly(0, 0, 0, 0, 1);
    assertThat(in.positions()).containsExactly(0, 1, 2, 0, 1);
    // padded slots (0,0) (0,1) (0,2) (1,0) (1,1) (1,2): the last is padding and points at text 1's
    // first row
    assertThat(in.padIndex()).containsExactly(0, 1, 2, 3, 4, 3);
    assertThat(in.mask()).containsExactly(1, 1, 1, 1, 1, 0);
    // packed rows back to their padded slots
    assertThat(in.unpadIndex()).containsExactly(0, 1, 2, 3, 4);
    // [B, M]: 1/3 over text 0's rows, 1/2 over text 1's
    float third = 1f / 3;
    assertThat(in.pooling()).containsExactly(third, third, third, 0, 0, 0, 0, 0, 0.5f, 0.5f);
    assertThat(in.texts()).isEqualTo(2);
    assertThat(in.paddedLength()).isEqualTo(3);
  }

  @Test
  void aShorterFirstTextStillMapsEveryRowOnce() {
    TokenBatch batch =
        TokenBatch.pad(
            List.of(
                new Tokens(new long[] {101, 102}, new long[2], false),
                new Tokens(new long[] {101, 5, 6, 102}, new long[4], false)));
    PackedInputs in = PackedInputs.of(batch);
    // slots of text 1 start at 1 x T = 4
    assertThat(in.unpadIndex()).containsExactly(0, 1, 4, 5, 6, 7);
    assertThat(in.padIndex()).containsExactly(0, 1, 0, 0, 2, 3, 4, 5);
  }
}
