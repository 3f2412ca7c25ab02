package io.lorastream.model.serving;

import ai.djl.Device;
import io.lorastream.model.encoder.BertEncoder;
import io.lorastream.model.runtime.Precision;
import io.lorastream.model.weights.BaseModel;

/** Opens the serving engine the {@code engine} setting names. */
public final class ServingEngines {

  private ServingEngines() {}

  /** {@link #open(EngineChoice, BaseModel, Device, Precision, int)} with passes on every core. */
  public static ServingEngine open(
      EngineChoice choice, BaseModel base, Device device, Precision precision) {
    return open(choice, base, device, precision, Runtime.getRuntime().availableProcessors());
  }

  /**
   * @param choice the setting; {@code auto} resolves by device and precision ({@link
   *     EngineChoice#resolve})
   * @param device where PyTorch runs (ONNX Runtime always runs on the CPU)
   * @param threadsPerPass threads one ONNX Runtime forward pass uses (PyTorch's are process-wide)
   */
  public static ServingEngine open(
      EngineChoice choice, BaseModel base, Device device, Precision precision, int threadsPerPass) {
    if (threadsPerPass < 1) {
      throw new IllegalArgumentException("a forward pass needs >= 1 thread, got " + threadsPerPass);
    }
    return switch (choice.resolve(device, precision)) {
      case ONNXRUNTIME -> new OnnxRuntimeServingEngine(base, threadsPerPass);
      case PYTORCH -> new PytorchServingEngine(BertEncoder.load(base, device, precision));
      case AUTO -> throw new IllegalStateException("resolve() never returns AUTO");
    };
  }
}
