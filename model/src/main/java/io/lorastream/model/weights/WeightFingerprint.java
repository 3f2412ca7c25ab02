package io.lorastream.model.weights;

import io.lorastream.model.tensor.FloatTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The canonical sha256 of a set of weights: names in sorted order, each followed by its shape and
 * its values as float32 little endian. The same weights give the same hash whether they came from
 * ONNX, safetensors (any dtype converted to float32) or a cache, so adapters can name their base.
 */
public final class WeightFingerprint {

  private WeightFingerprint() {}

  public static String sha256(Map<String, FloatTensor> weights) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
    ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    for (Map.Entry<String, FloatTensor> e : new TreeMap<>(weights).entrySet()) {
      digest.update(e.getKey().getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      FloatTensor t = e.getValue();
      buf.clear();
      buf.putInt(t.rank());
      for (int d : t.shape()) {
        buf.putInt(d);
      }
      buf.flip();
      digest.update(buf);
      float[] data = t.data();
      for (int i = 0; i < data.length; ) {
        buf.clear();
        while (i < data.length && buf.remaining() >= Float.BYTES) {
          buf.putFloat(data[i++]);
        }
        buf.flip();
        digest.update(buf);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
