package io.lorastream.server.config;

/**
 * What one {@code POST /v1/embeddings} may hold and how many are read at once, checked before any
 * text reaches the tokenizer, so that no request, however large, costs more memory or work than
 * these bound.
 *
 * <p>Characters are Unicode code points. Only the characters its first max-length tokens span
 * matter to a text's vector, the rest is truncated away, so {@code max-text-chars} only has to
 * cover that span with room to spare ({@link TextLimitPolicy} says what happens to longer texts).
 *
 * @param maxHeaderBytes request line and headers together (Jetty's request header size); 431 beyond
 *     (414 when the request line alone is too long)
 * @param maxInputs texts per request (OpenAI's limit is 2048)
 * @param maxRequestBytes request body size; a larger body gets 413 before it is read
 * @param maxTextChars characters per text: longer texts are cut to this before tokenization (policy
 *     truncate) or refused with 413 (policy reject)
 * @param maxRequestChars characters of all texts of one request together, after cutting; 413 beyond
 * @param maxConcurrentRequests requests being read, parsed and tokenized at once; as many more may
 *     wait up to retry-after for a turn, and further ones get 429 at once. Bounds what requests
 *     hold before they are queued: at most this many bodies of up to {@code maxRequestBytes} and
 *     this many tokenizations
 */
public record RequestLimits(
    int maxHeaderBytes,
    int maxInputs,
    long maxRequestBytes,
    int maxTextChars,
    long maxRequestChars,
    int maxConcurrentRequests) {

  /** Characters per token {@code max-text-chars} defaults to: see {@link #defaultMaxTextChars}. */
  public static final int CHARS_PER_TOKEN = 16;

  /** Characters per token of a full request {@code max-request-chars} defaults to. */
  public static final int REQUEST_CHARS_PER_TOKEN = 8;

  public static final int DEFAULT_MAX_HEADER_BYTES = 8192;
  public static final int DEFAULT_MAX_INPUTS = 2048;
  public static final long DEFAULT_MAX_REQUEST_BYTES = 16L * 1024 * 1024;
  public static final int DEFAULT_MAX_CONCURRENT_REQUESTS = 8;

  public RequestLimits {
    if (maxHeaderBytes < 1024 || maxHeaderBytes > 1024 * 1024) {
      throw new IllegalArgumentException(
          "max-header-bytes must be in 1024..1048576, got " + maxHeaderBytes);
    }
    if (maxInputs < 1) {
      throw new IllegalArgumentException("max-inputs must be >= 1, got " + maxInputs);
    }
    if (maxRequestBytes < 1024 || maxRequestBytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "max-request-bytes must be in 1024.."
              + (Integer.MAX_VALUE - 8)
              + ", got "
              + maxRequestBytes);
    }
    if (maxTextChars < 1) {
      throw new IllegalArgumentException("max-text-chars must be >= 1, got " + maxTextChars);
    }
    if (maxRequestChars < maxTextChars) {
      throw new IllegalArgumentException(
          "max-request-chars ("
              + maxRequestChars
              + ") must be >= max-text-chars ("
              + maxTextChars
              + "): a request of one text of the longest length must fit");
    }
    if (maxConcurrentRequests < 1 || maxConcurrentRequests > 10_000) {
      throw new IllegalArgumentException(
          "max-concurrent-requests must be in 1..10000, got " + maxConcurrentRequests);
    }
  }

  /**
   * The default {@code max-text-chars}: 16 characters per token (4,096 for 256 tokens). English
   * runs at about 4.4 characters per token, and no SciFact document needed more than 6.3 per token
   * to fill 256 tokens, so cutting there changes no vector of ordinary text, while the tokenizer,
   * which tokenizes a whole text before it truncates, never sees more.
   */
  public static int defaultMaxTextChars(int maxLength) {
    return CHARS_PER_TOKEN * maxLength;
  }

  /**
   * The default {@code max-request-chars}: 8 characters per token of max-inputs texts of max-length
   * (4,194,304 for 2,048 texts of 256 tokens), and at least max-text-chars: every request of
   * max-inputs texts that each just fill max-length fits.
   */
  public static long defaultMaxRequestChars(int maxInputs, int maxLength) {
    return Math.max(
        defaultMaxTextChars(maxLength), (long) REQUEST_CHARS_PER_TOKEN * maxInputs * maxLength);
  }
}
