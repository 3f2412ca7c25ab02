package io.lorastream.model.serving;

import ai.djl.Device;
import io.lorastream.model.encoder.BertEncoder;
import io.lorastream.model.runtime.Precision;
import io.lorastream.model.weights.BaseModel;

/** Opens the serving engine the {@code engine} setting names. */
public final class ServingEngines {

  private ServingEngines() {}

  /**
   * @param choice the setting; {@code auto} resolves by device and precision ({@link
   *     EngineChoice#resolve})
   * @param device where PyTorch runs (ONNX Runtime always runs on the CPU)
   */
  public static ServingEngine open(
      EngineChoice choice, BaseModel base, Device device, Precision precision) {
    return switch (choice.resolve(device, precision)) {
      case ONNXRUNTIME ->
          new OnnxRuntimeServingEngine(base, Runtime.getRuntime().availableProcessors());
      case PYTORCH -> new PytorchServingEngine(BertEncoder.load(base, device, precision));
      case AUTO -> throw new IllegalStateException("resolve() never returns AUTO");
    };
  }
}
