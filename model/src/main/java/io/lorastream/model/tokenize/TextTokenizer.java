package io.lorastream.model.tokenize;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * WordPiece (or any Hugging Face) tokenization from a {@code tokenizer.json}, with our own max
 * length and dynamic padding. Settings in the file are overridden: all-MiniLM-L6-v2's
 * tokenizer.json says 128 tokens with fixed padding, which would silently cut documents and waste
 * compute.
 *
 * <p>Texts longer than the max length are truncated (special tokens kept) and counted; that is
 * never an error. Thread-safe: the native tokenizer is immutable after construction.
 */
public final class TextTokenizer implements AutoCloseable {

  /** Default max length in tokens, special tokens included. */
  public static final int DEFAULT_MAX_LENGTH = 256;

  private final HuggingFaceTokenizer tokenizer;
  private final int maxLength;
  private final AtomicLong truncatedTexts = new AtomicLong();

  private TextTokenizer(HuggingFaceTokenizer tokenizer, int maxLength) {
    this.tokenizer = tokenizer;
    this.maxLength = maxLength;
  }

  /**
   * Loads a tokenizer.json.
   *
   * @param tokenizerJson path of a Hugging Face {@code tokenizer.json}
   * @param maxLength max tokens per text including [CLS] and [SEP]; 8..maxPositions of the model
   */
  public static TextTokenizer load(Path tokenizerJson, int maxLength) throws IOException {
    if (maxLength < 8) {
      throw new IllegalArgumentException("max length must be >= 8 tokens, got " + maxLength);
    }
    if (!Files.isRegularFile(tokenizerJson)) {
      throw new IOException(
          "tokenizer file "
              + tokenizerJson
              + " does not exist: expected a Hugging Face tokenizer.json");
    }
    try {
      HuggingFaceTokenizer tokenizer =
          HuggingFaceTokenizer.builder()
              .optTokenizerPath(tokenizerJson)
              .optMaxLength(maxLength)
              .optTruncation(true)
              .optPadding(false)
              .optAddSpecialTokens(true)
              .build();
      return new TextTokenizer(tokenizer, maxLength);
    } catch (RuntimeException e) {
      throw new IOException(
          "tokenizer file "
              + tokenizerJson
              + " could not be read as a Hugging Face tokenizer.json: "
              + e.getMessage(),
          e);
    }
  }

  public int maxLength() {
    return maxLength;
  }

  /** Texts truncated since this tokenizer was created. */
  public long truncatedTexts() {
    return truncatedTexts.get();
  }

  /** Token count of one text after truncation (special tokens included). */
  public int countTokens(String text) {
    return tokenizer.encode(text).getIds().length;
  }

  /** Tokenizes texts without padding; truncated texts are counted. */
  public List<Tokens> tokenize(List<String> texts) {
    if (texts.isEmpty()) {
      return List.of();
    }
    Encoding[] encodings = tokenizer.batchEncode(texts);
    List<Tokens> out = new ArrayList<>(encodings.length);
    int truncated = 0;
    for (Encoding e : encodings) {
      boolean cut = e.exceedMaxLength();
      truncated += cut ? 1 : 0;
      out.add(new Tokens(e.getIds(), e.getTypeIds(), cut));
    }
    truncatedTexts.addAndGet(truncated);
    return out;
  }

  /** Tokenizes texts and pads them to the longest one. */
  public TokenBatch encode(List<String> texts) {
    return TokenBatch.pad(tokenize(texts));
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
