package io.lorastream.model.adapter;

import io.lorastream.model.BaseModelId;
import io.lorastream.model.lora.LoraConfig;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a published adapter version states about itself; signed together with its weights.
 *
 * @param adapter adapter name (see {@link AdapterKey#requireValidName})
 * @param version 1 or more, increasing per adapter
 * @param baseModel the frozen base it was trained on
 * @param adapterSha256 hex sha256 of the {@code adapter_model.safetensors} bytes in the same record
 * @param lora rank, alpha, dropout, targets, rsLoRA
 * @param adaptationMode which side of retrieval goes through the adapter
 * @param loss the loss it was trained with, e.g. {@code mnrl}
 * @param steps optimizer steps taken so far
 * @param pairsSeen training pairs consumed so far
 * @param eval evaluation figures, e.g. {@code candidate_ndcg@10} and {@code published_ndcg@10};
 *     finite
 * @param createdAt when the version was made
 * @param inputOffsets per input partition ({@code topic-partition}), the next offset to read: the
 *     version covers every record below it
 */
public record AdapterManifest(
    String adapter,
    int version,
    BaseModelId baseModel,
    String adapterSha256,
    LoraConfig lora,
    AdaptationMode adaptationMode,
    String loss,
    long steps,
    long pairsSeen,
    SortedMap<String, Double> eval,
    Instant createdAt,
    SortedMap<String, Long> inputOffsets) {

  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  public AdapterManifest {
    AdapterKey.requireValidName(adapter);
    if (version < 1) {
      throw new IllegalArgumentException("adapter version must be >= 1, got " + version);
    }
    Objects.requireNonNull(baseModel, "baseModel");
    if (adapterSha256 == null || !HEX64.matcher(adapterSha256).matches()) {
      throw new IllegalArgumentException(
          "adapter sha256 must be 64 lowercase hex digits, got " + adapterSha256);
    }
    Objects.requireNonNull(lora, "lora");
    Objects.requireNonNull(adaptationMode, "adaptationMode");
    if (loss == null || loss.isBlank()) {
      throw new IllegalArgumentException("loss name must not be blank");
    }
    if (steps < 0 || pairsSeen < 0) {
      throw new IllegalArgumentException(
          "steps and pairs seen must be >= 0, got " + steps + " and " + pairsSeen);
    }
    Objects.requireNonNull(eval, "eval figures (may be empty, not null)");
    Objects.requireNonNull(inputOffsets, "input offsets (may be empty, not null)");
    for (Map.Entry<String, Double> e : eval.entrySet()) {
      if (e.getValue() == null || !Double.isFinite(e.getValue())) {
        throw new IllegalArgumentException(
            "eval figure '" + e.getKey() + "' must be finite, got " + e.getValue());
      }
    }
    Objects.requireNonNull(createdAt, "createdAt");
    for (Map.Entry<String, Long> e : inputOffsets.entrySet()) {
      if (e.getValue() == null || e.getValue() < 0) {
        throw new IllegalArgumentException(
            "input offset of " + e.getKey() + " must be >= 0, got " + e.getValue());
      }
    }
    eval = Collections.unmodifiableSortedMap(new TreeMap<>(eval));
    inputOffsets = Collections.unmodifiableSortedMap(new TreeMap<>(inputOffsets));
  }

  /** The Kafka key this version is published under. */
  public AdapterKey key() {
    return new AdapterKey(adapter, version);
  }
}
