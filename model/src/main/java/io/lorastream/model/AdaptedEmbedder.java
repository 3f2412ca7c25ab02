package io.lorastream.model;

import io.lorastream.model.adapter.AdaptationMode;
import io.lorastream.model.encoder.BertEncoder;
import io.lorastream.model.tokenize.TextTokenizer;
import java.util.List;

/**
 * Embeds with an adapter merged into a copy of the base encoder's targeted weights. In query mode
 * documents are embedded by the base, so existing document vectors stay valid. Closing frees the
 * merged copy (the base encoder stays open).
 */
public final class AdaptedEmbedder implements Embedder, AutoCloseable {

  private final BertEncoder merged;
  private final EncoderEmbedder embedder;
  private final AdaptationMode mode;
  private final String fingerprint;

  AdaptedEmbedder(
      BertEncoder merged,
      BertEncoder documentEncoder,
      TextTokenizer tokenizer,
      AdaptationMode mode,
      String fingerprint) {
    this.merged = merged;
    this.embedder = new EncoderEmbedder(merged, documentEncoder, tokenizer);
    this.mode = mode;
    this.fingerprint = fingerprint;
  }

  /** sha256 of the adapter's factors (canonical form), for cache keys. */
  public String fingerprint() {
    return fingerprint;
  }

  public AdaptationMode mode() {
    return mode;
  }

  @Override
  public int dimension() {
    return embedder.dimension();
  }

  @Override
  public float[][] embed(List<String> texts, InputType type) {
    return embedder.embed(texts, type);
  }

  @Override
  public void close() {
    merged.close();
  }
}
