package io.lorastream.model.weights;

import io.lorastream.model.BaseModelId;
import io.lorastream.model.encoder.EncoderConfig;
import io.lorastream.model.tensor.FloatTensor;
import java.nio.file.Path;
import java.util.Map;

/**
 * A frozen base encoder on the host: its identity, architecture, weights under Hugging Face names
 * and its tokenizer. Loaded by {@link BaseModelLoader}; put on a device by {@code BertEncoder}.
 *
 * @param id name and canonical weight hash
 * @param config architecture
 * @param weights every tensor {@link BertWeightNames#expectedShapes} lists
 * @param tokenizerJson the model's {@code tokenizer.json}
 */
public record BaseModel(
    BaseModelId id, EncoderConfig config, Map<String, FloatTensor> weights, Path tokenizerJson) {

  public BaseModel {
    weights = Map.copyOf(weights);
  }
}
