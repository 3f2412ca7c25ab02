package io.lorastream.model.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Host values as tensors whose memory PyTorch owns. On the CPU, DJL's {@code NDManager.create(float[] ...)} wraps a
 * direct Java buffer ({@code torch::from_blob}) that stays allocated only while DJL's Java object for that array keeps
 * a reference to it; any tensor still using the memory afterwards reads whatever the allocator puts there next. A
 * trainer that kept such arrays (LoRA factors, restored optimizer moments, token ids, document embeddings) was seen
 * to diverge between identical runs and to produce NaN losses once garbage collections ran. A copy made here lives in
 * PyTorch's own (64-byte aligned) storage and needs nothing on the Java side.
 */
public final class OwnedArrays {

  private OwnedArrays() {}

  public static NDArray of(NDManager manager, float[] values, Shape shape) {
    return own(manager.create(values, shape));
  }

  public static NDArray of(NDManager manager, long[] values, Shape shape) {
    return own(manager.create(values, shape));
  }

  private static NDArray own(NDArray wrapped) {
    try {
      return wrapped.duplicate(); // torch clone: PyTorch-allocated storage
    } finally {
      wrapped.close();
    }
  }
}
