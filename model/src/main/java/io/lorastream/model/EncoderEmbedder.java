package io.lorastream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import io.lorastream.model.encoder.BertEncoder;
import io.lorastream.model.tokenize.LengthBatches;
import io.lorastream.model.tokenize.TextTokenizer;
import io.lorastream.model.tokenize.TokenBatch;
import io.lorastream.model.tokenize.Tokens;
import java.util.ArrayList;
import java.util.List;

/**
 * Embeds texts with DJL encoders: one for queries and one for documents (the same encoder unless an
 * adapter applies to queries only). Texts are sorted by length and cut into sub-batches bounded by
 * count and padded tokens, so short texts never pay for long ones' padding; results come back in
 * input order. Each sub-batch runs in its own native-memory scope.
 */
public final class EncoderEmbedder implements Embedder {

  /** Sub-batch bounds: at most this many texts... */
  public static final int DEFAULT_MAX_BATCH = 32;

  /** ...and at most this many padded tokens (B x T). */
  public static final int DEFAULT_MAX_BATCH_TOKENS = 8192;

  private final BertEncoder queryEncoder;
  private final BertEncoder documentEncoder;
  private final TextTokenizer tokenizer;
  private final int maxBatch;
  private final int maxBatchTokens;

  public EncoderEmbedder(
      BertEncoder queryEncoder, BertEncoder documentEncoder, TextTokenizer tokenizer) {
    this(queryEncoder, documentEncoder, tokenizer, DEFAULT_MAX_BATCH, DEFAULT_MAX_BATCH_TOKENS);
  }

  public EncoderEmbedder(
      BertEncoder queryEncoder,
      BertEncoder documentEncoder,
      TextTokenizer tokenizer,
      int maxBatch,
      int maxBatchTokens) {
    if (maxBatch < 1 || maxBatchTokens < tokenizer.maxLength()) {
      throw new IllegalArgumentException(
          "max batch must be >= 1 and max batch tokens >= the max length "
              + tokenizer.maxLength()
              + ", got "
              + maxBatch
              + " and "
              + maxBatchTokens);
    }
    this.queryEncoder = queryEncoder;
    this.documentEncoder = documentEncoder;
    this.tokenizer = tokenizer;
    this.maxBatch = maxBatch;
    this.maxBatchTokens = maxBatchTokens;
  }

  /** The same encoder for both sides. */
  public static EncoderEmbedder symmetric(BertEncoder encoder, TextTokenizer tokenizer) {
    return new EncoderEmbedder(encoder, encoder, tokenizer);
  }

  @Override
  public int dimension() {
    return queryEncoder.config().hiddenSize();
  }

  public TextTokenizer tokenizer() {
    return tokenizer;
  }

  @Override
  public float[][] embed(List<String> texts, InputType type) {
    BertEncoder encoder = type == InputType.QUERY ? queryEncoder : documentEncoder;
    List<Tokens> tokens = tokenizer.tokenize(texts);
    float[][] out = new float[texts.size()][];
    for (int[] pass : LengthBatches.plan(tokens, maxBatch, maxBatchTokens)) {
      List<Tokens> chunk = new ArrayList<>(pass.length);
      for (int i : pass) {
        chunk.add(tokens.get(i));
      }
      float[][] vectors = embedBatch(encoder, TokenBatch.pad(chunk));
      for (int i = 0; i < pass.length; i++) {
        out[pass[i]] = vectors[i];
      }
    }
    return out;
  }

  /** One padded batch through {@code encoder}, copied to the heap. */
  public static float[][] embedBatch(BertEncoder encoder, TokenBatch batch) {
    try (NDScope scope = new NDScope()) {
      NDArray embeddings = encoder.embed(batch, null, false); // [B, H]
      int b = batch.size();
      int h = (int) embeddings.getShape().get(1);
      float[] flat = embeddings.toFloatArray();
      float[][] out = new float[b][h];
      for (int i = 0; i < b; i++) {
        System.arraycopy(flat, i * h, out[i], 0, h);
      }
      return out;
    }
  }
}
