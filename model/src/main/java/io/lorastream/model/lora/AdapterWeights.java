package io.lorastream.model.lora;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A LoRA adapter on the host: its config and the A/B factors of every adapted linear, in a stable
 * order (layer, then target). This is what files, Kafka records and checkpoints carry.
 */
public record AdapterWeights(LoraConfig config, SortedMap<LoraKey, LoraPairWeights> pairs) {

  public AdapterWeights {
    pairs = Collections.unmodifiableSortedMap(new TreeMap<>(pairs));
    for (Map.Entry<LoraKey, LoraPairWeights> e : pairs.entrySet()) {
      if (!config.targets().contains(e.getKey().target())) {
        throw new IllegalArgumentException(
            "adapter has weights for " + e.getKey().moduleName() + " but its config does not target "
                + e.getKey().target().configName());
      }
      if (e.getValue().rank() != config.rank()) {
        throw new IllegalArgumentException(
            "adapter weights for " + e.getKey().moduleName() + " have rank " + e.getValue().rank()
                + " but the config says r=" + config.rank());
      }
    }
  }

  /** Total number of trainable values. */
  public long parameterCount() {
    long n = 0;
    for (LoraPairWeights p : pairs.values()) {
      n += p.a().size() + p.b().size();
    }
    return n;
  }

  /** True when every factor holds only finite values. */
  public boolean allFinite() {
    return pairs.values().stream().allMatch(p -> p.a().allFinite() && p.b().allFinite());
  }
}
