package io.lorastream.model.lora;

import io.lorastream.model.tensor.FloatTensor;
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
            "adapter has weights for "
                + e.getKey().moduleName()
                + " but its config does not target "
                + e.getKey().target().configName());
      }
      if (e.getValue().rank() != config.rank()) {
        throw new IllegalArgumentException(
            "adapter weights for "
                + e.getKey().moduleName()
                + " have rank "
                + e.getValue().rank()
                + " but the config says r="
                + config.rank());
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

  /**
   * The exponential moving average of an adapter's factors after one more step: {@code decay *
   * average + (1 - decay) * current}, factor by factor (Polyak averaging of the trained parameters,
   * which smooths the step-to-step noise of the weights a continual trainer publishes).
   *
   * @param decay in [0, 1); 0 returns {@code current}
   */
  public static AdapterWeights movingAverage(
      AdapterWeights average, AdapterWeights current, double decay) {
    if (!(decay >= 0 && decay < 1)) {
      throw new IllegalArgumentException("moving-average decay must be in [0, 1), got " + decay);
    }
    if (!average.config().equals(current.config())
        || !average.pairs().keySet().equals(current.pairs().keySet())) {
      throw new IllegalArgumentException(
          "a moving average needs adapters of one shape, got "
              + average.config()
              + " and "
              + current.config());
    }
    SortedMap<LoraKey, LoraPairWeights> out = new TreeMap<>();
    current
        .pairs()
        .forEach(
            (key, c) -> {
              LoraPairWeights a = average.pairs().get(key);
              out.put(
                  key, new LoraPairWeights(blend(a.a(), c.a(), decay), blend(a.b(), c.b(), decay)));
            });
    return new AdapterWeights(current.config(), out);
  }

  private static FloatTensor blend(FloatTensor average, FloatTensor current, double decay) {
    if (!average.sameShape(current)) {
      throw new IllegalArgumentException(
          "a moving average needs tensors of one shape, got " + average + " and " + current);
    }
    float[] out = new float[current.size()];
    float d = (float) decay;
    for (int i = 0; i < out.length; i++) {
      out[i] = d * average.data()[i] + (1 - d) * current.data()[i];
    }
    return new FloatTensor(current.shape(), out);
  }

  /** True when every factor holds only finite values. */
  public boolean allFinite() {
    return pairs.values().stream().allMatch(p -> p.a().allFinite() && p.b().allFinite());
  }
}
