package io.lorastream.server.config;

import java.time.Duration;

/**
 * Dynamic batching: concurrent requests for the same encoder (base, or one adapter version) are run
 * together, so eight single-text requests cost about one forward pass of eight texts.
 *
 * @param maxSize texts per forward pass; a batch is run as soon as this many are waiting
 * @param maxTokens padded tokens (texts x longest text) per forward pass, bounding activation
 *     memory
 * @param maxWait how long the oldest waiting request may wait for others to join its batch; 0 by
 *     default, since requests arriving during a pass already form the next batch and an idle engine
 *     gains nothing by waiting
 * @param queueCapacity texts waiting in all queues together; a request that does not fit gets 429
 * @param workers threads running forward passes (1 suits a CPU: PyTorch already uses every core per
 *     pass)
 */
public record BatchingConfig(
    int maxSize, int maxTokens, Duration maxWait, int queueCapacity, int workers) {

  public static final BatchingConfig DEFAULTS =
      new BatchingConfig(32, 8192, Duration.ZERO, 4096, 1);

  public BatchingConfig {
    if (maxSize < 1 || maxSize > 4096) {
      throw new IllegalArgumentException("batch.max-size must be in 1..4096, got " + maxSize);
    }
    if (maxTokens < 8) {
      throw new IllegalArgumentException("batch.max-tokens must be >= 8, got " + maxTokens);
    }
    if (maxWait == null || maxWait.isNegative() || maxWait.compareTo(Duration.ofSeconds(10)) > 0) {
      throw new IllegalArgumentException(
          "batch.max-wait must be between 0 and 10s, got " + maxWait);
    }
    if (queueCapacity < 1) {
      throw new IllegalArgumentException(
          "batch.queue-capacity must be >= 1 text, got " + queueCapacity);
    }
    if (workers < 1 || workers > 64) {
      throw new IllegalArgumentException("batch.workers must be in 1..64, got " + workers);
    }
  }
}
