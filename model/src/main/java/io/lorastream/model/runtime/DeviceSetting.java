package io.lorastream.model.runtime;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;

/**
 * Where tensors live: the one device setting of the whole system. {@code auto} takes the first GPU
 * when the PyTorch engine sees one and the CPU otherwise; {@code gpu} insists on a GPU.
 */
public enum DeviceSetting {
  AUTO,
  CPU,
  GPU;

  public static DeviceSetting parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown device '" + s + "': expected auto, cpu or gpu", e);
    }
  }

  /** The DJL device this setting means on this machine. */
  public Device resolve() {
    int gpus = Engine.getEngine("PyTorch").getGpuCount();
    return switch (this) {
      case CPU -> Device.cpu();
      case AUTO -> gpus > 0 ? Device.gpu(0) : Device.cpu();
      case GPU -> {
        if (gpus == 0) {
          throw new IllegalStateException(
              "device=gpu but the PyTorch engine sees no GPU: add the CUDA native build of PyTorch"
                  + " (see docs/operations.md, GPU) or use device=auto / device=cpu");
        }
        yield Device.gpu(0);
      }
    };
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
