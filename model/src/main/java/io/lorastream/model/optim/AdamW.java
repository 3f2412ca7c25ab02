package io.lorastream.model.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import io.lorastream.model.optim.AdamWState.ParameterState;
import io.lorastream.model.tensor.FloatTensor;
import io.lorastream.model.tensor.OwnedArrays;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * AdamW as torch.optim.AdamW (amsgrad=False, maximize=False), updating parameters in place from the
 * gradients autograd left on them. For step t with group learning rate lr and weight decay wd:
 *
 * <pre>
 *   p = p * (1 - lr * wd)                      decoupled weight decay, before the moment update
 *   m = lerp(m, g, 1 - beta1)                  = beta1 * m + (1 - beta1) * g
 *   v = beta2 * v + (1 - beta2) * g * g
 *   denom = sqrt(v) / sqrt(1 - beta2^t) + eps  eps outside the bias-corrected root
 *   p = p - (lr / (1 - beta1^t)) * m / denom
 * </pre>
 *
 * (torch/optim/adamw.py and adam.py, {@code _single_tensor_adam(w)}, non-capturable branch.) Unlike
 * torch, a parameter whose gradient was never computed is updated with a zero gradient (DJL cannot
 * tell "none" from "zero"); LoRA parameters always receive one.
 *
 * <p>Updates write through detached views and read gradients that need no gradient themselves, so
 * they record nothing on the autograd tape even inside an open GradientCollector; each step's
 * temporaries live in an {@link NDScope} closed before it returns. Moments live in a sub-manager of
 * the first parameter's manager, freed by {@link #close()}. Not thread-safe.
 */
public final class AdamW implements AutoCloseable {

  private final AdamWConfig config;
  private final List<ParameterGroup> groups;
  private final List<Slot> slots = new ArrayList<>();
  private final NDManager stateManager;
  private long step;

  /**
   * @param config betas and eps (its lr and weight decay are only defaults for building groups)
   * @param groups the parameters, each in exactly one group; float32, requiring gradients
   */
  public AdamW(AdamWConfig config, List<ParameterGroup> groups) {
    if (config == null || groups == null || groups.isEmpty()) {
      throw new IllegalArgumentException("AdamW needs a config and at least one parameter group");
    }
    this.config = config;
    this.groups = List.copyOf(groups);
    Set<String> names = new HashSet<>();
    for (ParameterGroup group : this.groups) {
      for (NamedParameter p : group.parameters()) {
        if (!names.add(p.name())) {
          throw new IllegalArgumentException(
              "parameter '"
                  + p.name()
                  + "' appears twice; every parameter belongs to exactly one group");
        }
        if (p.array().getDataType() != DataType.FLOAT32) {
          throw new IllegalArgumentException(
              "parameter '"
                  + p.name()
                  + "' is "
                  + p.array().getDataType()
                  + "; AdamW keeps float32 master weights, train in float32");
        }
        if (!p.array().hasGradient()) {
          throw new IllegalArgumentException(
              "parameter '"
                  + p.name()
                  + "' does not require a"
                  + " gradient; call setRequiresGradient(true) on it before building the optimizer");
        }
      }
    }
    this.stateManager = NDManager.subManagerOf(this.groups.get(0).parameters().get(0).array());
    for (ParameterGroup group : this.groups) {
      for (NamedParameter p : group.parameters()) {
        slots.add(new Slot(group, p, zerosLike(p.array()), zerosLike(p.array())));
      }
    }
  }

  /** One update with every group at its own learning rate (schedule multiplier 1). */
  public void step() {
    step(1.0);
  }

  /** One update with the schedule's multiplier for this step number (t = stepCount() + 1). */
  public void step(LearningRateSchedule schedule) {
    step(schedule.multiplier(step + 1));
  }

  /**
   * One update: every parameter moves by its current gradient.
   *
   * @param learningRateFactor multiplies every group's learning rate (the schedule), >= 0
   */
  public void step(double learningRateFactor) {
    step(learningRateFactor, p -> p.array().getGradient());
  }

  /**
   * One update from gradients supplied by the caller instead of autograd's: mixed-precision
   * training computes gradients on FP16 working copies and hands their unscaled float32 values
   * here.
   *
   * @param learningRateFactor multiplies every group's learning rate (the schedule), >= 0
   * @param gradientOf the float32 gradient of a parameter, shaped like it
   */
  public void step(
      double learningRateFactor, java.util.function.Function<NamedParameter, NDArray> gradientOf) {
    if (!(learningRateFactor >= 0) || !Double.isFinite(learningRateFactor)) {
      throw new IllegalArgumentException(
          "learning-rate factor must be a finite number >= 0, got " + learningRateFactor);
    }
    long t = step + 1;
    double beta1 = config.beta1();
    double beta2 = config.beta2();
    double biasCorrection1 = 1 - Math.pow(beta1, t);
    double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      for (Slot s : slots) {
        double lr = s.group.learningRate() * learningRateFactor;
        NDArray grad = gradientOf.apply(s.parameter); // [same as p]
        NDArray p = s.parameter.array().stopGradient(); // shares storage with the parameter
        if (s.group.weightDecay() != 0) {
          p.muli(1 - lr * s.group.weightDecay());
        }
        lerp(s.m, grad, 1 - beta1);
        s.v.muli(beta2).addi(grad.mul(1 - beta2).muli(grad)); // addcmul_: v + (value * g) * g
        NDArray denom = s.v.sqrt().divi(biasCorrection2Sqrt).addi(config.eps());
        p.subi(s.m.div(denom).muli(lr / biasCorrection1));
      }
    }
    step = t;
  }

  /** Sets every parameter's gradient to zero; DJL accumulates gradients across backward passes. */
  public void zeroGradients() {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      for (Slot s : slots) {
        s.parameter.array().getGradient().set(new NDIndex("..."), 0);
      }
    }
  }

  /** True when every gradient is finite (no NaN, no infinity); one device-to-host copy. */
  public boolean gradientsFinite() {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray bad = null;
      for (Slot s : slots) {
        NDArray grad = s.parameter.array().getGradient();
        NDArray any = grad.isNaN().logicalOr(grad.isInfinite()).any(); // scalar boolean
        bad = bad == null ? any : bad.logicalOr(any);
      }
      return bad == null || !bad.getBoolean();
    }
  }

  /**
   * The L2 norm of all gradients taken together (as torch.nn.utils.clip_grad_norm_ reports it); one
   * device-to-host copy. Not finite when some gradient is not.
   */
  public double gradientNorm() {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      double sumOfSquares = 0;
      for (Slot s : slots) {
        NDArray grad = s.parameter.array().getGradient();
        sumOfSquares += grad.square().sum().toType(DataType.FLOAT64, false).getDouble();
      }
      return Math.sqrt(sumOfSquares);
    }
  }

  /** Steps taken so far (t of the last update). */
  public long stepCount() {
    return step;
  }

  public AdamWConfig config() {
    return config;
  }

  public List<ParameterGroup> groups() {
    return groups;
  }

  /** Copies the step count and every moment to the host, exactly. */
  public AdamWState exportState() {
    List<ParameterState> states = new ArrayList<>(slots.size());
    for (Slot s : slots) {
      int[] shape = Arrays.stream(s.m.getShape().getShape()).mapToInt(Math::toIntExact).toArray();
      states.add(
          new ParameterState(
              s.parameter.name(),
              new FloatTensor(shape, s.m.toFloatArray()),
              new FloatTensor(shape, s.v.toFloatArray())));
    }
    return new AdamWState(step, states);
  }

  /**
   * Restores a state from {@link #exportState()}: the next step then equals, bit for bit, the step
   * the exporting optimizer would have taken. The state must name exactly this optimizer's
   * parameters, with their shapes.
   */
  public void importState(AdamWState state) {
    Map<String, ParameterState> byName = new HashMap<>();
    for (ParameterState ps : state.parameters()) {
      if (byName.put(ps.name(), ps) != null) {
        throw new IllegalArgumentException(
            "optimizer state names parameter '" + ps.name() + "' twice; the checkpoint is corrupt");
      }
    }
    for (Slot s : slots) {
      ParameterState ps = byName.remove(s.parameter.name());
      if (ps == null) {
        throw new IllegalArgumentException(
            "optimizer state has no moments for parameter '"
                + s.parameter.name()
                + "'; it was saved for another adapter layout (targets or names)");
      }
      long[] expected = s.m.getShape().getShape();
      if (!Arrays.equals(
          expected, Arrays.stream(ps.firstMoment().shape()).asLongStream().toArray())) {
        throw new IllegalArgumentException(
            "optimizer state of '"
                + s.parameter.name()
                + "' has shape "
                + Arrays.toString(ps.firstMoment().shape())
                + " but the parameter is "
                + Arrays.toString(expected)
                + "; it was saved for another LoRA rank or model");
      }
    }
    if (!byName.isEmpty()) {
      throw new IllegalArgumentException(
          "optimizer state has moments for unknown parameters "
              + byName.keySet()
              + "; it was saved for another adapter layout (targets or names)");
    }
    Map<String, ParameterState> all = new HashMap<>();
    state.parameters().forEach(ps -> all.put(ps.name(), ps));
    for (Slot s : slots) {
      ParameterState ps = all.get(s.parameter.name());
      copyInto(s.m, ps.firstMoment());
      copyInto(s.v, ps.secondMoment());
    }
    step = state.step();
  }

  /** Frees the moments. The parameters stay with their owner. */
  @Override
  public void close() {
    stateManager.close();
  }

  // torch's lerp kernel: start + w * (end - start) for w < 0.5, else end - (end - start) * (1 - w).
  private static void lerp(NDArray start, NDArray end, double weight) {
    if (weight < 0.5) {
      start.addi(end.sub(start).muli(weight));
    } else {
      start.set(new NDIndex("..."), end.sub(end.sub(start).muli(1 - weight)));
    }
  }

  /**
   * Copies host values into the moment's own (PyTorch-allocated) storage. DJL's {@code
   * NDArray.set(Buffer)} would instead swap the tensor's storage for a direct Java buffer kept
   * alive only by the Java-side object; a moment restored that way was seen to yield different,
   * sometimes NaN, updates after a garbage collection.
   */
  private void copyInto(NDArray moment, FloatTensor values) {
    try (NDArray host = OwnedArrays.of(stateManager, values.data(), moment.getShape())) {
      moment.set(new NDIndex("..."), host);
    }
  }

  private NDArray zerosLike(NDArray parameter) {
    NDArray zeros =
        stateManager.zeros(parameter.getShape(), DataType.FLOAT32, parameter.getDevice());
    NDScope.unregister(zeros); // optimizer state outlives any scope the optimizer is built in
    return zeros;
  }

  private record Slot(ParameterGroup group, NamedParameter parameter, NDArray m, NDArray v) {}
}
