package io.lorastream.model.optim;

import ai.djl.ndarray.NDArray;

/**
 * A trainable tensor and the name its optimizer state is saved under (for LoRA, the PEFT key such
 * as {@code base_model.model.encoder.layer.0.attention.self.query.lora_A.weight}).
 *
 * @param name unique within one optimizer; not blank
 * @param array the float32 parameter; must require a gradient
 */
public record NamedParameter(String name, NDArray array) {

  public NamedParameter {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(
          "a parameter needs a name (its key in checkpoints), got '" + name + "'");
    }
    if (array == null) {
      throw new IllegalArgumentException("parameter '" + name + "' has no array");
    }
  }
}
