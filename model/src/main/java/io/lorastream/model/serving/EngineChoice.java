package io.lorastream.model.serving;

import ai.djl.Device;
import io.lorastream.model.runtime.Precision;
import java.util.Locale;

/**
 * The {@code engine} setting: which runtime serves embeddings.
 *
 * <ul>
 *   <li>{@code auto} (default): ONNX Runtime on a CPU in fp32, PyTorch otherwise (a GPU, or fp16);
 *   <li>{@code onnxruntime}: ONNX Runtime on a graph lorastream generates from the base weights
 *       (CPU, fp32 only);
 *   <li>{@code pytorch}: the trainer's own encoder on DJL/PyTorch (any device and precision).
 * </ul>
 */
public enum EngineChoice {
  AUTO,
  ONNXRUNTIME,
  PYTORCH;

  /** Parses {@code auto}, {@code onnxruntime} or {@code pytorch}. */
  public static EngineChoice parse(String value) {
    for (EngineChoice c : values()) {
      if (c.configName().equals(value.strip().toLowerCase(Locale.ROOT))) {
        return c;
      }
    }
    throw new IllegalArgumentException(
        "engine must be auto, onnxruntime or pytorch, got '" + value + "'");
  }

  /** The concrete engine for a device and precision; never {@link #AUTO}. */
  public EngineChoice resolve(Device device, Precision precision) {
    boolean ortCan = Device.Type.CPU.equals(device.getDeviceType()) && precision == Precision.FP32;
    return switch (this) {
      case AUTO -> ortCan ? ONNXRUNTIME : PYTORCH;
      case ONNXRUNTIME -> {
        if (!ortCan) {
          throw new IllegalArgumentException(
              "engine onnxruntime serves on the CPU in fp32, but the device is "
                  + device
                  + " and the precision "
                  + precision.toString().toLowerCase(Locale.ROOT)
                  + "; set engine to auto or pytorch, or device cpu and precision fp32");
        }
        yield ONNXRUNTIME;
      }
      case PYTORCH -> PYTORCH;
    };
  }

  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
