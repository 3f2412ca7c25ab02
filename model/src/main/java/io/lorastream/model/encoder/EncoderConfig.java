package io.lorastream.model.encoder;

import java.util.Locale;

/**
 * The architecture of a BERT-family encoder, as Hugging Face's {@code config.json} states it.
 *
 * @param vocabSize rows of the word embedding table (V)
 * @param hiddenSize width of every token vector (H)
 * @param numLayers number of post-LN transformer layers (L)
 * @param numHeads attention heads (N); must divide H
 * @param intermediateSize FFN inner width (F)
 * @param maxPositions rows of the position embedding table; the longest input the model accepts
 * @param typeVocabSize rows of the token type embedding table
 * @param layerNormEps epsilon of every LayerNorm
 * @param activation FFN activation; only {@code gelu} (erf form) is supported
 */
public record EncoderConfig(
    int vocabSize,
    int hiddenSize,
    int numLayers,
    int numHeads,
    int intermediateSize,
    int maxPositions,
    int typeVocabSize,
    double layerNormEps,
    String activation) {

  /** all-MiniLM-L6-v2. */
  public static final EncoderConfig MINILM_L6 =
      new EncoderConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12, "gelu");

  public EncoderConfig {
    requirePositive("vocab_size", vocabSize);
    requirePositive("hidden_size", hiddenSize);
    requirePositive("num_hidden_layers", numLayers);
    requirePositive("num_attention_heads", numHeads);
    requirePositive("intermediate_size", intermediateSize);
    requirePositive("max_position_embeddings", maxPositions);
    requirePositive("type_vocab_size", typeVocabSize);
    if (hiddenSize % numHeads != 0) {
      throw new IllegalArgumentException(
          "hidden_size ("
              + hiddenSize
              + ") must be divisible by num_attention_heads ("
              + numHeads
              + ")");
    }
    if (!(layerNormEps > 0)) {
      throw new IllegalArgumentException("layer_norm_eps must be > 0, got " + layerNormEps);
    }
    activation = activation.toLowerCase(Locale.ROOT);
    if (!activation.equals("gelu")) {
      throw new IllegalArgumentException(
          "hidden_act '"
              + activation
              + "' is not supported: lorastream implements BERT's erf 'gelu' only");
    }
  }

  /** Width of one attention head (H / N). */
  public int headSize() {
    return hiddenSize / numHeads;
  }

  private static void requirePositive(String field, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(field + " must be > 0, got " + value);
    }
  }
}
