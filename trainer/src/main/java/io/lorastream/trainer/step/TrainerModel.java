package io.lorastream.trainer.step;

import ai.djl.Device;
import io.lorastream.model.BaseModelId;
import io.lorastream.model.encoder.BertEncoder;
import io.lorastream.model.runtime.DeviceSetting;
import io.lorastream.model.runtime.Precision;
import io.lorastream.model.tokenize.TextTokenizer;
import io.lorastream.model.train.DocumentEmbeddingCache;
import io.lorastream.model.weights.BaseModel;
import io.lorastream.model.weights.BaseModelLoader;
import io.lorastream.trainer.gate.KnownCorpus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The frozen base every adapter of an instance trains on: one encoder on the configured device and
 * precision, a tokenizer and a base document-embedding cache per max sequence length in use (a
 * document's base embedding depends on where it is truncated).
 */
public final class TrainerModel implements AutoCloseable {

  private final BaseModel base;
  private final BertEncoder encoder;
  private final int cacheSize;
  private final Map<Integer, TextTokenizer> tokenizers = new TreeMap<>();
  private final Map<Integer, DocumentEmbeddingCache> documents = new TreeMap<>();
  private final Map<Integer, KnownCorpus> corpora = new TreeMap<>();
  private int corpusCapacity = 100_000;

  private TrainerModel(BaseModel base, BertEncoder encoder, int cacheSize) {
    this.base = base;
    this.encoder = encoder;
    this.cacheSize = cacheSize;
  }

  /** Loads the base named by {@code spec} ({@code default} or a Hugging Face folder). */
  public static TrainerModel load(
      String spec, DeviceSetting device, Precision precision, int documentCacheSize) {
    try {
      return of(BaseModelLoader.load(spec), device, precision, documentCacheSize);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load base model '" + spec + "': " + e.getMessage(), e);
    }
  }

  /**
   * Puts {@code base} on the device.
   *
   * @param precision null = FP16 on a GPU, FP32 on the CPU
   */
  public static TrainerModel of(
      BaseModel base, DeviceSetting device, Precision precision, int documentCacheSize) {
    Device d = device.resolve();
    Precision p = precision != null ? precision : (d.isGpu() ? Precision.FP16 : Precision.FP32);
    return new TrainerModel(base, BertEncoder.load(base, d, p), documentCacheSize);
  }

  public BaseModelId baseId() {
    return base.id();
  }

  public BertEncoder encoder() {
    return encoder;
  }

  public boolean fp16() {
    return encoder.precision() == Precision.FP16;
  }

  /** The tokenizer cutting texts at {@code maxLength} tokens. */
  public synchronized TextTokenizer tokenizer(int maxLength) {
    if (maxLength > encoder.config().maxPositions()) {
      throw new IllegalArgumentException(
          "max-seq-length "
              + maxLength
              + " exceeds the base model's "
              + encoder.config().maxPositions()
              + " positions");
    }
    return tokenizers.computeIfAbsent(
        maxLength,
        n -> {
          try {
            return TextTokenizer.load(base.tokenizerJson(), n);
          } catch (IOException e) {
            throw new UncheckedIOException(
                "cannot load the tokenizer of " + base.id().name() + ": " + e.getMessage(), e);
          }
        });
  }

  /** Base document embeddings at {@code maxLength}, shared by every adapter and the gate. */
  public synchronized DocumentEmbeddingCache documents(int maxLength) {
    return documents.computeIfAbsent(maxLength, n -> new DocumentEmbeddingCache(cacheSize));
  }

  /**
   * Every document the trainer knows at {@code maxLength}, with base embeddings: what the gate
   * ranks in query mode.
   */
  public synchronized KnownCorpus corpus(int maxLength) {
    return corpora.computeIfAbsent(maxLength, n -> new KnownCorpus(corpusCapacity));
  }

  /** Sets the known corpus' bound (before first use). */
  public synchronized TrainerModel withCorpusCapacity(int capacity) {
    if (!corpora.isEmpty()) {
      throw new IllegalStateException("the known corpus is in use; set its capacity first");
    }
    this.corpusCapacity = capacity;
    return this;
  }

  /**
   * The name under which base corpus embeddings at {@code maxLength} are cached on disk ({@code
   * EmbeddingCache}): changes with the base weights, the max length and the precision.
   */
  public String baseFingerprint(int maxLength) {
    return "lorastream-djl/1;base-sha256="
        + base.id().sha256()
        + ";max-length="
        + maxLength
        + ";precision="
        + encoder.precision()
        + ";adapter=none";
  }

  @Override
  public synchronized void close() {
    tokenizers.values().forEach(TextTokenizer::close);
    encoder.close();
  }
}
