package io.lorastream.server.api;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Base64;

/**
 * Pure functions on embedding vectors for the response: Matryoshka truncation and OpenAI's base64
 * form.
 */
public final class Vectors {

  private Vectors() {}

  /**
   * The first {@code d} components, rescaled to unit L2 norm (Matryoshka truncation as OpenAI's
   * {@code dimensions} and sentence-transformers' {@code truncate_dim} do). A zero prefix stays
   * zero.
   */
  public static float[] truncate(float[] v, int d) {
    if (d < 1 || d > v.length) {
      throw new IllegalArgumentException(
          "cannot truncate a " + v.length + "-dimensional vector to " + d);
    }
    float[] out = Arrays.copyOf(v, d);
    if (d == v.length) {
      return out;
    }
    double sum = 0;
    for (float x : out) {
      sum += (double) x * x;
    }
    if (sum == 0) {
      return out;
    }
    float scale = (float) (1 / Math.sqrt(sum));
    for (int i = 0; i < d; i++) {
      out[i] *= scale;
    }
    return out;
  }

  /**
   * Base64 (standard alphabet, padded) of the vector as little-endian float32: what OpenAI returns.
   */
  public static String base64(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : v) {
      b.putFloat(x);
    }
    return Base64.getEncoder().encodeToString(b.array());
  }

  /** The inverse of {@link #base64}, as clients decode it. */
  public static float[] fromBase64(String s) {
    ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(s)).order(ByteOrder.LITTLE_ENDIAN);
    float[] v = new float[b.remaining() / 4];
    for (int i = 0; i < v.length; i++) {
      v[i] = b.getFloat();
    }
    return v;
  }
}
