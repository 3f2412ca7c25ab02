package io.lorastream.model.adapter;

import io.lorastream.model.lora.AdapterWeights;
import java.util.List;

/**
 * An adapter read from PEFT files, checked against an encoder.
 *
 * @param weights the factors and their LoRA config
 * @param baseModelNameOrPath what {@code adapter_config.json} says the adapter was trained on
 *     (informative: PEFT writes names or local paths)
 * @param baseVerified true when a lorastream manifest pinned the base model's sha256 and it
 *     matched; false for a plain PEFT folder, where only the shapes could be checked
 * @param ignoredTensors tensors present in the file that do not affect embeddings (LoRA on the
 *     pooler, which mean pooling never uses)
 * @param mode the side of retrieval the adapter was trained for, from lorastream's manifest; null
 *     when unknown (a PEFT folder), which callers treat as {@link AdaptationMode#BOTH}
 */
public record LoadedAdapter(
    AdapterWeights weights,
    String baseModelNameOrPath,
    boolean baseVerified,
    List<String> ignoredTensors,
    AdaptationMode mode) {

  public LoadedAdapter {
    ignoredTensors = List.copyOf(ignoredTensors);
  }

  /** The adaptation mode, {@link AdaptationMode#BOTH} when the folder does not say. */
  public AdaptationMode modeOrBoth() {
    return mode == null ? AdaptationMode.BOTH : mode;
  }

  LoadedAdapter withBaseVerified(AdaptationMode manifestMode) {
    return new LoadedAdapter(weights, baseModelNameOrPath, true, ignoredTensors, manifestMode);
  }
}
