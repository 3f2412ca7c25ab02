package io.lorastream.server.adapters;

import io.lorastream.model.serving.ServingModel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model version that requests run on (the base, or the base with one adapter version), with a
 * reference count. The registry holds one reference while the version is in its catalog; every
 * request holds one from before it is queued until its vectors are copied out. The version's native
 * memory is freed when the last reference goes: freeing it while a batch runs on it would crash
 * native code, so nothing else ever closes it.
 */
public final class ServedModel {

  private final String label;
  private final ServingModel model;
  private final AtomicInteger refs = new AtomicInteger(1); // the registry's own reference
  private final AtomicBoolean retired = new AtomicBoolean();

  ServedModel(String label, ServingModel model) {
    this.label = label;
    this.model = model;
  }

  /** {@code base} or {@code <adapter>@<version>}. */
  public String label() {
    return label;
  }

  /** Only valid while the caller holds a reference. */
  public ServingModel model() {
    return model;
  }

  /**
   * Takes a reference for a request. Fails only when the model was retired and its last user has
   * gone; the caller then reads the catalog again (a retired model is never in the current one).
   */
  public boolean tryAcquire() {
    while (true) {
      int r = refs.get();
      if (r == 0) {
        return false;
      }
      if (refs.compareAndSet(r, r + 1)) {
        return true;
      }
    }
  }

  /** Gives back a reference taken with {@link #tryAcquire}. */
  public void release() {
    int left = refs.decrementAndGet();
    if (left == 0) {
      model.close();
    } else if (left < 0) {
      throw new IllegalStateException(
          "served model " + label + " released more often than acquired");
    }
  }

  /** Drops the registry's reference once; the model closes when in-flight requests are done. */
  void retire() {
    if (retired.compareAndSet(false, true)) {
      release();
    }
  }

  /** True once the model's memory has been freed. */
  boolean closed() {
    return refs.get() == 0;
  }

  /** References held right now (the registry's included while not retired). */
  int references() {
    return refs.get();
  }

  @Override
  public String toString() {
    return "ServedModel[" + label + ", refs=" + refs.get() + "]";
  }
}
