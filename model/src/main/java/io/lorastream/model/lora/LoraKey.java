package io.lorastream.model.lora;

/** One adapted linear: the encoder layer index and which of its linears. */
public record LoraKey(int layer, LoraTarget target) implements Comparable<LoraKey> {

  public LoraKey {
    if (layer < 0) {
      throw new IllegalArgumentException("layer index must be >= 0, got " + layer);
    }
  }

  /** Hugging Face module name, e.g. {@code encoder.layer.0.attention.self.query}. */
  public String moduleName() {
    return target.moduleName(layer);
  }

  @Override
  public int compareTo(LoraKey o) {
    int c = Integer.compare(layer, o.layer);
    return c != 0 ? c : target.compareTo(o.target);
  }
}
