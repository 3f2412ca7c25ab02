package io.lorastream.model.encoder;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class FusedAttentionTest {

  private static final int HEADS = 4;
  private static final int HIDDEN = 32; // S = 8
  // Unsorted on purpose: runs of equal length (7, 7 and 3, 3, 3) between single texts, one of
  // length 1.
  private static final int[] LENGTHS = {7, 7, 1, 3, 3, 3, 12, 5};

  private static float maxAbsDiff(NDArray a, NDArray b) {
    return a.sub(b).abs().max().getFloat();
  }

  @Test
  void fusedKernelEqualsTheUnfusedReferenceOnPackedTextsOfMixedLengths() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      PtSymbolBlock module = FusedAttention.load(manager);
      int m = java.util.Arrays.stream(LENGTHS).sum();
      manager.getEngine().setRandomSeed(3);
      NDArray qkv = manager.randomNormal(new Shape(m, 3 * HIDDEN)); // [M, 3H]
      // column slices of one tensor, as the encoder's fused projection hands them over
      NDArray q =
          qkv.get(":, 0:32").mul(1 / Math.sqrt(HIDDEN / HEADS)); // pre-scaled, as the encoder's
      NDArray k = qkv.get(":, 32:64");
      NDArray v = qkv.get(":, 64:");
      NDArray fused = FusedAttention.apply(module, q, k, v, LENGTHS, HEADS);
      NDArray reference = EncoderMath.packedAttention(q, k, v, LENGTHS, HEADS);
      assertThat(fused.getShape()).isEqualTo(new Shape(m, HIDDEN));
      assertThat(maxAbsDiff(fused, reference)).isLessThan(1e-5f);
    }
  }

  @Test
  void gradientsThroughTheFusedKernelEqualTheReferenceGradients() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      PtSymbolBlock module = FusedAttention.load(manager);
      int m = java.util.Arrays.stream(LENGTHS).sum();
      manager.getEngine().setRandomSeed(4);
      NDArray weights =
          manager.randomNormal(new Shape(m, HIDDEN)); // a fixed linear read-out of the context
      NDArray[] fusedGrads = gradients(manager, module, weights, true, m);
      NDArray[] referenceGrads = gradients(manager, module, weights, false, m);
      for (int i = 0; i < 3; i++) {
        assertThat(fusedGrads[i].abs().sum().getFloat())
            .as("gradient %d flows", i)
            .isGreaterThan(0f);
        assertThat(maxAbsDiff(fusedGrads[i], referenceGrads[i]))
            .as("gradient %d", i)
            .isLessThan(1e-4f);
      }
    }
  }

  /** d(sum(weights * attention(q, k, v)))/d(q, k, v) at fixed seeded inputs. */
  private static NDArray[] gradients(
      NDManager manager, PtSymbolBlock module, NDArray weights, boolean fused, int m) {
    manager.getEngine().setRandomSeed(5);
    NDArray q = manager.randomNormal(new Shape(m, HIDDEN));
    NDArray k = manager.randomNormal(new Shape(m, HIDDEN));
    NDArray v = manager.randomNormal(new Shape(m, HIDDEN));
    for (NDArray x : new NDArray[] {q, k, v}) {
      x.setRequiresGradient(true);
    }
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray out =
          fused
              ? FusedAttention.apply(module, q, k, v, LENGTHS, HEADS)
              : EncoderMath.packedAttention(q, k, v, LENGTHS, HEADS);
      collector.backward(out.mul(weights).sum());
    }
    return new NDArray[] {
      q.getGradient().duplicate(), k.getGradient().duplicate(), v.getGradient().duplicate()
    };
  }
}
