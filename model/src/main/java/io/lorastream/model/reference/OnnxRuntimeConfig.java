package io.lorastream.model.reference;

/**
 * Runtime settings of the {@link OnnxRuntimeEmbedder}.
 *
 * @param maxLength tokens per text including [CLS] and [SEP]; longer texts are truncated (counted,
 *     never an error); 2..512, the model's position table
 * @param batchSize texts per ONNX Runtime call
 * @param intraOpThreads threads ONNX Runtime uses inside one operator
 */
public record OnnxRuntimeConfig(int maxLength, int batchSize, int intraOpThreads) {
  public static final int MAX_POSITIONS = 512;

  public OnnxRuntimeConfig {
    if (maxLength < 2 || maxLength > MAX_POSITIONS) {
      throw new IllegalArgumentException(
          "maxLength must be in [2, "
              + MAX_POSITIONS
              + "] (room for [CLS] and [SEP], at most the position table), got "
              + maxLength);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    if (intraOpThreads < 1) {
      throw new IllegalArgumentException("intraOpThreads must be >= 1, got " + intraOpThreads);
    }
  }

  /** Max length 256, batch 32, one thread per available core. */
  public static OnnxRuntimeConfig defaults() {
    return new OnnxRuntimeConfig(256, 32, Runtime.getRuntime().availableProcessors());
  }

  public OnnxRuntimeConfig withMaxLength(int maxLength) {
    return new OnnxRuntimeConfig(maxLength, batchSize, intraOpThreads);
  }

  public OnnxRuntimeConfig withBatchSize(int batchSize) {
    return new OnnxRuntimeConfig(maxLength, batchSize, intraOpThreads);
  }

  public OnnxRuntimeConfig withIntraOpThreads(int intraOpThreads) {
    return new OnnxRuntimeConfig(maxLength, batchSize, intraOpThreads);
  }
}
