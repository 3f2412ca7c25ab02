package io.lorastream.model.lora;

import java.util.EnumSet;
import java.util.Set;

/**
 * The persisted shape of a LoRA adapter: what PEFT's {@code adapter_config.json} records.
 * Training-only knobs (learning rates, the LoRA+ ratio, batch size) live in the trainer's config,
 * not here.
 *
 * @param rank r, the inner dimension of A [r, in] and B [out, r]; 1..256
 * @param alpha lora_alpha; the update is scaled by alpha / r (or alpha / sqrt(r) with rsLoRA)
 * @param dropout dropout on the LoRA input during training, in [0, 1)
 * @param targets which linears of every encoder layer carry an adapter; not empty
 * @param useRslora rank-stabilised scaling alpha / sqrt(r) instead of alpha / r
 */
public record LoraConfig(
    int rank, double alpha, double dropout, Set<LoraTarget> targets, boolean useRslora) {

  public static final LoraConfig DEFAULT =
      new LoraConfig(8, 16, 0.1, EnumSet.of(LoraTarget.QUERY, LoraTarget.VALUE), false);

  public LoraConfig {
    if (rank < 1 || rank > 256) {
      throw new IllegalArgumentException("LoRA rank must be in 1..256, got " + rank);
    }
    if (!(alpha > 0) || !Double.isFinite(alpha)) {
      throw new IllegalArgumentException("LoRA alpha must be a positive number, got " + alpha);
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("LoRA dropout must be in [0, 1), got " + dropout);
    }
    if (targets == null || targets.isEmpty()) {
      throw new IllegalArgumentException(
          "LoRA targets must name at least one linear layer, got none");
    }
    targets = Set.copyOf(EnumSet.copyOf(targets));
  }

  /** The factor on B·A: alpha / r, or alpha / sqrt(r) with rsLoRA. */
  public double scaling() {
    return useRslora ? alpha / Math.sqrt(rank) : alpha / rank;
  }

  /** Targets in declaration order, for stable iteration (file layouts, parameter order). */
  public EnumSet<LoraTarget> orderedTargets() {
    return EnumSet.copyOf(targets);
  }
}
