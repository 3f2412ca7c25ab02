package io.lorastream.model.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.lorastream.model.tensor.FloatTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * The LoRA factors of one adapter version as ONNX Runtime tensors over direct buffers, fed to every
 * run of that version without a copy ({@link BertServingGraph#loraA}, {@link
 * BertServingGraph#loraB}). Empty for the base. Close it once no run uses it any more.
 */
public final class AdapterFeeds implements AutoCloseable {

  static final AdapterFeeds NONE = new AdapterFeeds(Map.of());

  private final Map<String, OnnxTensor> tensors;

  private AdapterFeeds(Map<String, OnnxTensor> tensors) {
    this.tensors = Map.copyOf(tensors);
  }

  /**
   * @param factors host tensors by graph input name
   */
  static AdapterFeeds of(OrtEnvironment env, Map<String, FloatTensor> factors) throws OrtException {
    Map<String, OnnxTensor> out = new HashMap<>();
    try {
      for (Map.Entry<String, FloatTensor> e : factors.entrySet()) {
        out.put(e.getKey(), direct(env, e.getValue()));
      }
    } catch (OrtException | RuntimeException e) {
      out.values().forEach(OnnxTensor::close);
      throw e;
    }
    return new AdapterFeeds(out);
  }

  private static OnnxTensor direct(OrtEnvironment env, FloatTensor t) throws OrtException {
    FloatBuffer buffer =
        ByteBuffer.allocateDirect(t.size() * Float.BYTES)
            .order(ByteOrder.nativeOrder())
            .asFloatBuffer();
    buffer.put(t.data()).rewind();
    return OnnxTensor.createTensor(
        env, buffer, t.longShape()); // wraps the direct buffer: no copy per run
  }

  Map<String, OnnxTensor> tensors() {
    return tensors;
  }

  /** Bytes of the factors: what this version adds to memory. */
  public long bytes() {
    long n = 0;
    for (OnnxTensor t : tensors.values()) {
      n += t.getInfo().getNumElements() * Float.BYTES;
    }
    return n;
  }

  @Override
  public void close() {
    tensors.values().forEach(OnnxTensor::close);
  }
}
