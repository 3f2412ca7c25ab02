package io.lorastream.model.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.lorastream.model.tensor.FloatTensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AdamWTest {

  @Test
  void threeStepsMatchTheHandComputedTorchUpdates() {
    // p0 = (1, -2), lr 0.1, betas (0.9, 0.999), eps 1e-8, weight decay 0.01.
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray p = parameter(m, new float[] {1f, -2f}, new Shape(2));
      AdamWConfig config = new AdamWConfig(0.1, 0.9, 0.999, 1e-8, 0.01);
      try (AdamW adamW =
          new AdamW(config, ParameterGroup.single(List.of(new NamedParameter("p", p)), config))) {
        // Step 1, g = (0.5, -1):
        //   decay   p = (1, -2) * (1 - 0.1 * 0.01) = (0.999, -1.998)
        //   m = 0.1 g = (0.05, -0.1); v = 0.001 g^2 = (0.00025, 0.001)
        //   1 - 0.9^1 = 0.1, 1 - 0.999^1 = 0.001: denom = sqrt(v / 0.001) + 1e-8 = (0.5, 1) + 1e-8
        //   p -= (0.1 / 0.1) * m / denom = (0.1, -0.1) (to 2e-8)  ->  (0.899000002, -1.898000001)
        gradient(adamW, p, 0.5f, -1f);
        adamW.step();
        assertThat(p.toFloatArray())
            .containsExactly(new float[] {0.899000002f, -1.898000001f}, offset(1e-6f));
        AdamWState afterOne = adamW.exportState();
        assertThat(afterOne.step()).isEqualTo(1);
        assertThat(afterOne.parameters().get(0).firstMoment().data())
            .containsExactly(new float[] {0.05f, -0.1f}, offset(1e-9f));
        assertThat(afterOne.parameters().get(0).secondMoment().data())
            .containsExactly(new float[] {0.00025f, 0.001f}, offset(1e-10f));

        // Step 2, g = (-0.5, 0.25):
        //   decay   p = (0.899000002, -1.898000001) * 0.999 = (0.898101002, -1.896102001)
        //   m = 0.9 m + 0.1 g = (0.045 - 0.05, -0.09 + 0.025) = (-0.005, -0.065)
        //   v = 0.999 v + 0.001 g^2 = (0.00024975 + 0.00025, 0.000999 + 0.0000625)
        //     = (0.00049975, 0.0010615)
        //   1 - 0.9^2 = 0.19, 1 - 0.999^2 = 0.001999
        //   denom = sqrt(v / 0.001999) + 1e-8 = (sqrt(0.25), sqrt(0.5310155)) = (0.5, 0.7287081)
        //   step = (0.1 / 0.19) m / denom = 0.5263158 * (-0.01, -0.0891987) = (-0.0052632,
        // -0.0469467)
        //   p = (0.9033642, -1.8491552)
        gradient(adamW, p, -0.5f, 0.25f);
        adamW.step();
        assertThat(p.toFloatArray())
            .containsExactly(new float[] {0.9033641598f, -1.8491551845f}, offset(1e-6f));

        // Step 3, g = (0.1, 0):
        //   decay   p *= 0.999 -> (0.9024608, -1.8473060)
        //   m = (-0.0045 + 0.01, -0.0585) = (0.0055, -0.0585)
        //   v = (0.00049925 + 0.00001, 0.0010604385) = (0.00050925, 0.0010604385)
        //   1 - 0.9^3 = 0.271, 1 - 0.999^3 = 0.002997001
        //   denom = (sqrt(0.1699198), sqrt(0.3538332)) = (0.4122133, 0.5948388)
        //   step = (0.1 / 0.271) m / denom = 0.3690037 * (0.0133427, -0.0983461)
        //        = (0.0049235, -0.0362900)
        //   p = (0.8975373, -1.8110160)
        gradient(adamW, p, 0.1f, 0f);
        adamW.step();
        assertThat(p.toFloatArray())
            .containsExactly(new float[] {0.8975373266f, -1.8110160042f}, offset(1e-6f));
        assertThat(adamW.stepCount()).isEqualTo(3);
      }
    }
  }

  @Test
  void aSmallBeta1TakesTheOtherBranchOfTorchsLerp() {
    // lerp(m, g, w) with w = 1 - beta1 = 0.7 >= 0.5 is computed as g - (g - m) * (1 - w).
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray p = parameter(m, new float[] {0f}, new Shape(1));
      AdamWConfig config = new AdamWConfig(0.1, 0.3, 0.999, 1e-8, 0);
      try (AdamW adamW =
          new AdamW(config, ParameterGroup.single(List.of(new NamedParameter("p", p)), config))) {
        gradient(adamW, p, 2f);
        adamW.step(); // m = 2 - (2 - 0) * 0.3 = 1.4
        gradient(adamW, p, -1f);
        adamW.step(); // m = -1 - (-1 - 1.4) * 0.3 = -0.28
        assertThat(adamW.exportState().parameters().get(0).firstMoment().data()[0])
            .isCloseTo(-0.28f, within(1e-7f));
      }
    }
  }

  @Test
  void exportedStateResumesBitIdentically() {
    Random random = new Random(3);
    float[] a0 = randomValues(random, 6);
    float[] b0 = randomValues(random, 6);
    List<float[][]> gradients =
        List.of(
            new float[][] {randomValues(random, 6), randomValues(random, 6)},
            new float[][] {randomValues(random, 6), randomValues(random, 6)},
            new float[][] {randomValues(random, 6), randomValues(random, 6)},
            new float[][] {randomValues(random, 6), randomValues(random, 6)});
    LearningRateSchedule schedule = LearningRateSchedule.warmupThenLinearDecay(2, 10);
    AdamWConfig config = new AdamWConfig(3e-3, 0.9, 0.999, 1e-8, 0.05);
    try (NDManager m = NDManager.newBaseManager()) {
      // The uninterrupted run: four steps.
      NDArray a = parameter(m, a0, new Shape(2, 3));
      NDArray b = parameter(m, b0, new Shape(3, 2));
      AdamWState checkpoint;
      float[] aAtCheckpoint;
      float[] bAtCheckpoint;
      try (AdamW adamW = new AdamW(config, groups(config, a, b))) {
        for (int t = 0; t < 3; t++) {
          gradients(adamW, List.of(a, b), gradients.get(t));
          adamW.step(schedule);
        }
        checkpoint = adamW.exportState();
        aAtCheckpoint = a.toFloatArray();
        bAtCheckpoint = b.toFloatArray();
        gradients(adamW, List.of(a, b), gradients.get(3));
        adamW.step(schedule);
      }
      // The resumed run: new parameters and optimizer from the checkpoint, then step 4.
      NDArray a2 = parameter(m, aAtCheckpoint, new Shape(2, 3));
      NDArray b2 = parameter(m, bAtCheckpoint, new Shape(3, 2));
      try (AdamW resumed = new AdamW(config, groups(config, a2, b2))) {
        resumed.importState(copy(checkpoint));
        assertThat(resumed.stepCount()).isEqualTo(3);
        gradients(resumed, List.of(a2, b2), gradients.get(3));
        resumed.step(schedule);
        assertThat(a2.toFloatArray()).isEqualTo(a.toFloatArray());
        assertThat(b2.toFloatArray()).isEqualTo(b.toFloatArray());
        assertThat(a2.toFloatArray()).isNotEqualTo(aAtCheckpoint);
      }
    }
  }

  @Test
  void loraPlusGivesBMatricesTheScaledLearningRate() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray loraA = parameter(m, new float[] {0.5f, 0.5f, 0.5f, 0.5f}, new Shape(2, 2));
      NDArray loraB = parameter(m, new float[4], new Shape(2, 2));
      AdamWConfig config = new AdamWConfig(0.01, 0.9, 0.999, 1e-8, 0);
      List<ParameterGroup> groups =
          ParameterGroup.loraPlus(
              List.of(
                  new NamedParameter("encoder.layer.0.attention.self.query.lora_A.weight", loraA),
                  new NamedParameter("encoder.layer.0.attention.self.query.lora_B.weight", loraB)),
              config,
              16);
      assertThat(groups).extracting(ParameterGroup::name).containsExactly("lora_A", "lora_B");
      assertThat(groups).extracting(ParameterGroup::learningRate).containsExactly(0.01, 0.16);
      try (AdamW adamW = new AdamW(config, groups)) {
        // Adam's first step moves every entry by lr * g / (|g| + eps): -lr for g = 1.
        gradients(adamW, List.of(loraA, loraB), new float[][] {{1f, 1f, 1f, 1f}, {1f, 1f, 1f, 1f}});
        adamW.step();
        assertThat(loraA.toFloatArray()[0]).isCloseTo(0.5f - 0.01f, within(1e-7f));
        assertThat(loraB.toFloatArray()[0]).isCloseTo(-0.16f, within(1e-7f));
      }
    }
  }

  @Test
  void stepsRecordNothingOnTheTapeAndFreeTheirTemporaries() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray p = parameter(m, new float[] {1f, 2f, 3f}, new Shape(3));
      try (AdamW adamW =
          new AdamW(
              AdamWConfig.TORCH_DEFAULTS,
              ParameterGroup.single(
                  List.of(new NamedParameter("p", p)), AdamWConfig.TORCH_DEFAULTS))) {
        gradient(adamW, p, 1f, -1f, 0.5f);
        int before = m.getManagedArrays().size();
        // PyTorch refuses an in-place change of a leaf that requires grad while grad mode is on,
        // so stepping inside an open collector proves the update bypasses autograd.
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          for (int i = 0; i < 20; i++) {
            adamW.step();
          }
        }
        for (int i = 0; i < 20; i++) {
          adamW.step();
          adamW.zeroGradients();
        }
        adamW.gradientNorm();
        assertThat(m.getManagedArrays()).hasSize(before);
        // The parameter is still a leaf that learns: a new backward pass reaches it.
        assertThat(p.hasGradient()).isTrue();
        gradient(adamW, p, 2f, 2f, 2f);
        assertThat(adamW.gradientNorm()).isCloseTo(Math.sqrt(12), within(1e-6));
      }
    }
  }

  @Test
  void zeroGradientsClearsWhatBackwardPassesAccumulate() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray p = parameter(m, new float[] {1f, 2f}, new Shape(2));
      try (AdamW adamW =
          new AdamW(
              AdamWConfig.TORCH_DEFAULTS,
              ParameterGroup.single(
                  List.of(new NamedParameter("p", p)), AdamWConfig.TORCH_DEFAULTS))) {
        backward(p, 3f, 4f);
        backward(p, 3f, 4f);
        assertThat(adamW.gradientNorm()).isCloseTo(10.0, within(1e-6)); // 2 * ||(3, 4)||
        adamW.zeroGradients();
        assertThat(adamW.gradientNorm()).isZero();
      }
    }
  }

  @Test
  void stateForAnotherLayoutIsRefused() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray p = parameter(m, new float[] {1f, 2f}, new Shape(2));
      try (AdamW adamW =
          new AdamW(
              AdamWConfig.TORCH_DEFAULTS,
              ParameterGroup.single(
                  List.of(new NamedParameter("p", p)), AdamWConfig.TORCH_DEFAULTS))) {
        AdamWState.ParameterState wrongShape =
            new AdamWState.ParameterState("p", FloatTensor.zeros(3), FloatTensor.zeros(3));
        assertThatThrownBy(() -> adamW.importState(new AdamWState(5, List.of(wrongShape))))
            .hasMessageContaining("state of 'p' has shape [3] but the parameter is [2]");
        AdamWState.ParameterState other =
            new AdamWState.ParameterState("q", FloatTensor.zeros(2), FloatTensor.zeros(2));
        assertThatThrownBy(() -> adamW.importState(new AdamWState(5, List.of(other))))
            .hasMessageContaining("no moments for parameter 'p'");
        AdamWState.ParameterState right =
            new AdamWState.ParameterState("p", FloatTensor.zeros(2), FloatTensor.zeros(2));
        assertThatThrownBy(() -> adamW.importState(new AdamWState(5, List.of(right, other))))
            .hasMessageContaining("unknown parameters [q]");
        assertThat(adamW.stepCount()).isZero();
      }
    }
  }

  @Test
  void parametersTheOptimizerCannotTrainAreRefused() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray frozen = m.create(new float[] {1f});
      assertThatThrownBy(
              () ->
                  new AdamW(
                      AdamWConfig.TORCH_DEFAULTS,
                      ParameterGroup.single(
                          List.of(new NamedParameter("frozen", frozen)),
                          AdamWConfig.TORCH_DEFAULTS)))
          .hasMessageContaining("'frozen' does not require a gradient");
      NDArray wide = m.create(new double[] {1});
      wide.setRequiresGradient(true);
      assertThatThrownBy(
              () ->
                  new AdamW(
                      AdamWConfig.TORCH_DEFAULTS,
                      ParameterGroup.single(
                          List.of(new NamedParameter("wide", wide)), AdamWConfig.TORCH_DEFAULTS)))
          .hasMessageContaining("'wide' is float64");
      NDArray p = parameter(m, new float[] {1f}, new Shape(1));
      assertThatThrownBy(
              () ->
                  new AdamW(
                      AdamWConfig.TORCH_DEFAULTS,
                      List.of(
                          new ParameterGroup("a", List.of(new NamedParameter("p", p)), 1e-3, 0),
                          new ParameterGroup("b", List.of(new NamedParameter("p", p)), 1e-3, 0))))
          .hasMessageContaining("'p' appears twice");
      assertThatThrownBy(() -> new AdamWConfig(1e-3, 1.0, 0.999, 1e-8, 0))
          .hasMessageContaining("beta1 must be in [0, 1), got 1.0");
      assertThatThrownBy(() -> new AdamWConfig(-1, 0.9, 0.999, 1e-8, 0))
          .hasMessageContaining("learning rate must be a finite number >= 0, got -1.0");
      assertThatThrownBy(
              () ->
                  ParameterGroup.loraPlus(
                      List.of(new NamedParameter("p", p)), AdamWConfig.TORCH_DEFAULTS, 0.5))
          .hasMessageContaining("LoRA+ learning-rate ratio must be a finite number >= 1");
    }
  }

  @Test
  void theScheduleScalesTheFirstStep() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray p = parameter(m, new float[] {0f}, new Shape(1));
      AdamWConfig config = new AdamWConfig(0.1, 0.9, 0.999, 1e-8, 0);
      try (AdamW adamW =
          new AdamW(config, ParameterGroup.single(List.of(new NamedParameter("p", p)), config))) {
        gradient(adamW, p, 1f);
        adamW.step(LearningRateSchedule.warmupThenConstant(4)); // t = 1: lr * 1/4
        assertThat(p.toFloatArray()[0]).isCloseTo(-0.025f, within(1e-7f));
      }
    }
  }

  private static NDArray parameter(NDManager m, float[] values, Shape shape) {
    NDArray p = m.create(values, shape);
    p.setRequiresGradient(true);
    return p;
  }

  private static List<ParameterGroup> groups(AdamWConfig config, NDArray a, NDArray b) {
    return ParameterGroup.loraPlus(
        List.of(new NamedParameter("x.lora_A.weight", a), new NamedParameter("x.lora_B.weight", b)),
        config,
        4);
  }

  /** Leaves exactly {@code grad} on p: zero, then backward through sum(p * grad). */
  private static void gradient(AdamW adamW, NDArray p, float... grad) {
    adamW.zeroGradients();
    backward(p, grad);
  }

  private static void gradients(AdamW adamW, List<NDArray> params, float[][] grads) {
    adamW.zeroGradients();
    for (int i = 0; i < params.size(); i++) {
      backward(params.get(i), grads[i]);
    }
  }

  private static void backward(NDArray p, float... grad) {
    try (NDScope scope = new NDScope();
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      scope.suppressNotUsedWarning();
      NDArray g = p.getManager().create(grad, p.getShape());
      collector.backward(p.mul(g).sum());
    }
  }

  private static float[] randomValues(Random random, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  // What a checkpoint round trip through bytes does: fresh arrays, same bits.
  private static AdamWState copy(AdamWState state) {
    return new AdamWState(
        state.step(),
        state.parameters().stream()
            .map(
                ps ->
                    new AdamWState.ParameterState(
                        ps.name(),
                        new FloatTensor(ps.firstMoment().shape(), ps.firstMoment().data().clone()),
                        new FloatTensor(
                            ps.secondMoment().shape(), ps.secondMoment().data().clone())))
            .toList());
  }
}
