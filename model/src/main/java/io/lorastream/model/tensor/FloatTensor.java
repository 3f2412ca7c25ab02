package io.lorastream.model.tensor;

import java.util.Arrays;

/**
 * A dense float32 tensor on the Java heap, row-major: the host-side form of weights as they are
 * read from and written to files (safetensors, ONNX, checkpoints). Device tensors are DJL {@code
 * NDArray}s.
 *
 * @param shape dimensions, outermost first; empty for a scalar
 * @param data {@code product(shape)} values in row-major order
 */
public record FloatTensor(int[] shape, float[] data) {

  public FloatTensor {
    shape = shape.clone();
    long size = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(
            "tensor dimension must be >= 0, got shape " + Arrays.toString(shape));
      }
      size *= d;
    }
    if (size != data.length) {
      throw new IllegalArgumentException(
          "tensor of shape "
              + Arrays.toString(shape)
              + " needs "
              + size
              + " values, got "
              + data.length);
    }
  }

  public static FloatTensor zeros(int... shape) {
    long size = 1;
    for (int d : shape) {
      size *= d;
    }
    return new FloatTensor(shape, new float[Math.toIntExact(size)]);
  }

  public int rank() {
    return shape.length;
  }

  public int dim(int axis) {
    return shape[axis];
  }

  public int size() {
    return data.length;
  }

  /** Shape as {@code long[]}, as DJL wants it. */
  public long[] longShape() {
    return Arrays.stream(shape).asLongStream().toArray();
  }

  public boolean sameShape(FloatTensor other) {
    return Arrays.equals(shape, other.shape);
  }

  /** Largest absolute element-wise difference; the shapes must match. */
  public float maxAbsDiff(FloatTensor other) {
    if (!sameShape(other)) {
      throw new IllegalArgumentException(
          "shapes differ: " + Arrays.toString(shape) + " vs " + Arrays.toString(other.shape));
    }
    float max = 0;
    for (int i = 0; i < data.length; i++) {
      max = Math.max(max, Math.abs(data[i] - other.data[i]));
    }
    return max;
  }

  /** True when every value is finite (no NaN, no infinity). */
  public boolean allFinite() {
    for (float v : data) {
      if (!Float.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FloatTensor t
        && Arrays.equals(shape, t.shape)
        && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "FloatTensor" + Arrays.toString(shape);
  }
}
