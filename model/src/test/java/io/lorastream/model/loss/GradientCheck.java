package io.lorastream.model.loss;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Compares autograd's gradient of a loss with a central-difference gradient, both in float64:
 * dL/dx_k ~ (L(x + h e_k) - L(x - h e_k)) / 2h, h = 1e-6, whose error is O(h^2) plus rounding
 * (~1e-16 / h = 1e-10), far below the tolerance.
 */
final class GradientCheck {

  private static final double H = 1e-6;

  /** A matrix input of the loss: its values and shape. */
  record Input(double[] values, Shape shape) {}

  private GradientCheck() {}

  /** Rows of unit-length random vectors, [rows, dim], seeded. */
  static Input unitRows(Random random, int rows, int dim) {
    double[] v = new double[rows * dim];
    for (int r = 0; r < rows; r++) {
      double norm = 0;
      for (int c = 0; c < dim; c++) {
        v[r * dim + c] = random.nextGaussian();
        norm += v[r * dim + c] * v[r * dim + c];
      }
      for (int c = 0; c < dim; c++) {
        v[r * dim + c] /= Math.sqrt(norm);
      }
    }
    return new Input(v, new Shape(rows, dim));
  }

  /**
   * Asserts that autograd's gradient of {@code loss} with respect to every input matches the
   * numerical one within {@code tolerance} (absolute, or relative for entries larger than 1), and
   * that the gradient is not trivially zero.
   */
  static void assertGradientMatches(
      List<Input> inputs, Function<List<NDArray>, NDArray> loss, double tolerance) {
    try (NDManager manager = NDManager.newBaseManager()) {
      List<double[]> analytic = analyticGradient(manager, inputs, loss);
      double largest = 0;
      for (int i = 0; i < inputs.size(); i++) {
        double[] values = inputs.get(i).values();
        for (int k = 0; k < values.length; k++) {
          double numeric = numericDerivative(manager, inputs, loss, i, k);
          double got = analytic.get(i)[k];
          assertThat(Math.abs(got - numeric))
              .as(
                  "dL/d input %d element %d: autograd %s, central difference %s",
                  i, k, got, numeric)
              .isLessThanOrEqualTo(tolerance * Math.max(1.0, Math.abs(numeric)));
          largest = Math.max(largest, Math.abs(got));
        }
      }
      assertThat(largest)
          .as("largest gradient entry (a zero gradient proves nothing)")
          .isGreaterThan(1e-3);
    }
  }

  static List<double[]> analyticGradient(
      NDManager parent, List<Input> inputs, Function<List<NDArray>, NDArray> loss) {
    try (NDManager manager = parent.newSubManager()) {
      List<NDArray> leaves = create(manager, inputs);
      leaves.forEach(leaf -> leaf.setRequiresGradient(true));
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray value = loss.apply(leaves);
        assertThat(value.getShape()).isEqualTo(new Shape());
        assertThat(value.getDataType()).isEqualTo(DataType.FLOAT64);
        collector.backward(value);
      }
      List<double[]> gradients = new ArrayList<>();
      for (NDArray leaf : leaves) {
        // A leaf autograd never reached reads as float32 zeros in DJL; widen so it fails as a
        // mismatch.
        gradients.add(leaf.getGradient().toType(DataType.FLOAT64, false).toDoubleArray());
      }
      return gradients;
    }
  }

  private static double numericDerivative(
      NDManager parent,
      List<Input> inputs,
      Function<List<NDArray>, NDArray> loss,
      int input,
      int element) {
    return (valueAt(parent, inputs, loss, input, element, H)
            - valueAt(parent, inputs, loss, input, element, -H))
        / (2 * H);
  }

  private static double valueAt(
      NDManager parent,
      List<Input> inputs,
      Function<List<NDArray>, NDArray> loss,
      int input,
      int element,
      double delta) {
    List<Input> moved = new ArrayList<>(inputs);
    double[] values = inputs.get(input).values().clone();
    values[element] += delta;
    moved.set(input, new Input(values, inputs.get(input).shape()));
    try (NDManager manager = parent.newSubManager()) {
      return loss.apply(create(manager, moved)).getDouble();
    }
  }

  private static List<NDArray> create(NDManager manager, List<Input> inputs) {
    List<NDArray> arrays = new ArrayList<>();
    for (Input in : inputs) {
      arrays.add(manager.create(in.values(), in.shape()));
    }
    return arrays;
  }
}
