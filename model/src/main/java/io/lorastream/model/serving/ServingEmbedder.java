package io.lorastream.model.serving;

import io.lorastream.model.Embedder;
import io.lorastream.model.EncoderEmbedder;
import io.lorastream.model.InputType;
import io.lorastream.model.tokenize.LengthBatches;
import io.lorastream.model.tokenize.TextTokenizer;
import io.lorastream.model.tokenize.TokenBatch;
import io.lorastream.model.tokenize.Tokens;
import java.util.ArrayList;
import java.util.List;

/**
 * Texts to vectors through a serving engine's models, as the server computes them: tokenized, cut
 * into length-sorted passes by {@link LengthBatches}, results in input order. Queries go to one
 * model, documents to another (the same one unless an adapter applies to queries only).
 */
public final class ServingEmbedder implements Embedder {

  private final ServingModel queries;
  private final ServingModel documents;
  private final TextTokenizer tokenizer;
  private final int dimension;
  private final int maxBatch;
  private final int maxBatchTokens;

  public ServingEmbedder(
      ServingModel queries,
      ServingModel documents,
      TextTokenizer tokenizer,
      int dimension,
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
    this.queries = queries;
    this.documents = documents;
    this.tokenizer = tokenizer;
    this.dimension = dimension;
    this.maxBatch = maxBatch;
    this.maxBatchTokens = maxBatchTokens;
  }

  /** One model for both sides, with {@link EncoderEmbedder}'s pass bounds. */
  public static ServingEmbedder symmetric(
      ServingModel model, TextTokenizer tokenizer, int dimension) {
    return new ServingEmbedder(
        model,
        model,
        tokenizer,
        dimension,
        EncoderEmbedder.DEFAULT_MAX_BATCH,
        EncoderEmbedder.DEFAULT_MAX_BATCH_TOKENS);
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public float[][] embed(List<String> texts, InputType type) {
    ServingModel model = type == InputType.QUERY ? queries : documents;
    List<Tokens> tokens = tokenizer.tokenize(texts);
    float[][] out = new float[texts.size()][];
    for (int[] pass : LengthBatches.plan(tokens, maxBatch, maxBatchTokens)) {
      List<Tokens> chunk = new ArrayList<>(pass.length);
      for (int i : pass) {
        chunk.add(tokens.get(i));
      }
      float[][] vectors = model.embed(TokenBatch.pad(chunk));
      for (int i = 0; i < pass.length; i++) {
        out[pass[i]] = vectors[i];
      }
    }
    return out;
  }
}
