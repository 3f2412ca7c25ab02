package io.lorastream.model.serving;

import io.lorastream.model.lora.AdapterWeights;
import io.lorastream.model.lora.LoraTarget;
import java.util.Set;

/**
 * What serves a base model and its adapter versions: ONNX Runtime ({@link
 * OnnxRuntimeServingEngine}) or PyTorch through DJL ({@link PytorchServingEngine}). Both compute
 * the same function as the trainer's encoder; which one runs is the {@code engine} setting ({@link
 * EngineChoice}).
 */
public interface ServingEngine extends AutoCloseable {

  /** Which engine this is. */
  EngineChoice kind();

  /** The base model; owned by the engine (closing it is a no-op; {@link #close} frees it). */
  ServingModel base();

  /**
   * The base with {@code adapter} merged into its targeted weights (W + s B A). Costs the targeted
   * matrices only; the caller closes it.
   */
  ServingModel withAdapter(AdapterWeights adapter);

  /**
   * Gets ready, off the caller's thread, for versions adapting {@code targets} (e.g. the trainer's
   * default targets at start), so the first such version loads as fast as later ones. Does nothing
   * where loading a version needs no preparation.
   */
  default void prepare(Set<LoraTarget> targets) {}

  /** Frees the base and everything shared; close every adapted model first. */
  @Override
  void close();
}
