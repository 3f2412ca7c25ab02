package io.lorastream.model;

import io.lorastream.model.adapter.AdaptationMode;
import io.lorastream.model.adapter.AdapterFolder;
import io.lorastream.model.adapter.LoadedAdapter;
import io.lorastream.model.encoder.BertEncoder;
import io.lorastream.model.lora.AdapterWeights;
import io.lorastream.model.lora.LoraAdapter;
import io.lorastream.model.runtime.DeviceSetting;
import io.lorastream.model.runtime.Precision;
import io.lorastream.model.tokenize.TextTokenizer;
import io.lorastream.model.weights.BaseModel;
import io.lorastream.model.weights.BaseModelLoader;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A base model loaded for use: its weights on the configured device, its tokenizer at the chosen
 * max length, and embedders with or without an adapter. What the CLI, evaluation and benchmarks
 * open.
 */
public final class EncoderStack implements AutoCloseable {

  private final BaseModel base;
  private final BertEncoder encoder;
  private final TextTokenizer tokenizer;

  private EncoderStack(BaseModel base, BertEncoder encoder, TextTokenizer tokenizer) {
    this.base = base;
    this.encoder = encoder;
    this.tokenizer = tokenizer;
  }

  /**
   * @param model {@code default} for the bundled all-MiniLM-L6-v2, or a Hugging Face folder
   * @param maxLength tokens per text (longer texts are truncated and counted)
   */
  public static EncoderStack open(
      String model, DeviceSetting device, Precision precision, int maxLength) throws IOException {
    BaseModel base = BaseModelLoader.load(model);
    if (maxLength > base.config().maxPositions()) {
      throw new IllegalArgumentException(
          "max length "
              + maxLength
              + " exceeds the model's "
              + base.config().maxPositions()
              + " positions");
    }
    TextTokenizer tokenizer = TextTokenizer.load(base.tokenizerJson(), maxLength);
    try {
      return new EncoderStack(base, BertEncoder.load(base, device.resolve(), precision), tokenizer);
    } catch (RuntimeException e) {
      tokenizer.close();
      throw e;
    }
  }

  public BaseModel base() {
    return base;
  }

  public BertEncoder encoder() {
    return encoder;
  }

  public TextTokenizer tokenizer() {
    return tokenizer;
  }

  /** The base model for queries and documents. */
  public EncoderEmbedder baseEmbedder() {
    return EncoderEmbedder.symmetric(encoder, tokenizer);
  }

  /**
   * Reads an adapter folder made for this base (PEFT layout, with or without lorastream's
   * manifest).
   */
  public LoadedAdapter loadAdapter(Path dir) throws IOException {
    return AdapterFolder.load(dir, base.id(), base.config());
  }

  /**
   * An embedder with {@code weights} merged into a copy of the targeted weights: queries always go
   * through the adapter, documents only in {@link AdaptationMode#BOTH}. Close it to free the copy.
   */
  public AdaptedEmbedder withAdapter(AdapterWeights weights, AdaptationMode mode) {
    try (LoraAdapter adapter = LoraAdapter.fromWeights(weights, encoder.manager(), false)) {
      BertEncoder merged = encoder.withMergedAdapter(adapter);
      return new AdaptedEmbedder(
          merged,
          mode == AdaptationMode.BOTH ? merged : encoder,
          tokenizer,
          mode,
          fingerprint(weights));
    }
  }

  /**
   * What document vectors made with this stack depend on, as a cache key: base weights, max length,
   * precision and, only when documents go through an adapter (both mode), the adapter.
   *
   * @param adapted the embedder in use, or null for the base
   */
  public String documentFingerprint(AdaptedEmbedder adapted) {
    String docs =
        adapted == null || adapted.mode() == AdaptationMode.QUERY
            ? "base"
            : "adapter:" + adapted.fingerprint();
    return "lorastream-djl/1;base="
        + base.id().sha256()
        + ";max-length="
        + tokenizer.maxLength()
        + ";precision="
        + encoder.precision()
        + ";docs="
        + docs;
  }

  /** sha256 of an adapter's factors in canonical form (names sorted, float32 little endian). */
  public static String fingerprint(AdapterWeights weights) {
    java.util.Map<String, io.lorastream.model.tensor.FloatTensor> tensors =
        new java.util.TreeMap<>();
    weights
        .pairs()
        .forEach(
            (key, pair) -> {
              tensors.put(key.moduleName() + ".lora_A", pair.a());
              tensors.put(key.moduleName() + ".lora_B", pair.b());
            });
    return io.lorastream.model.weights.WeightFingerprint.sha256(tensors);
  }

  @Override
  public void close() {
    tokenizer.close();
    encoder.close();
  }
}
