package io.lorastream.server.config;

import io.lorastream.model.serving.EngineChoice;
import java.time.Duration;
import java.util.Locale;

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
 * @param workers threads running forward passes at once, or {@link #AUTO_WORKERS}: one per core on
 *     ONNX Runtime, whose passes then run on one thread each (short texts keep one core busier than
 *     two, which wait on each other at every operator), and one on PyTorch, whose passes use every
 *     core already
 */
public record BatchingConfig(
    int maxSize, int maxTokens, Duration maxWait, int queueCapacity, int workers) {

  /** {@code batch.workers: auto}. */
  public static final int AUTO_WORKERS = 0;

  public static final BatchingConfig DEFAULTS =
      new BatchingConfig(32, 8192, Duration.ZERO, 4096, AUTO_WORKERS);

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
    if (workers < 0 || workers > 64) {
      throw new IllegalArgumentException("batch.workers must be auto or 1..64, got " + workers);
    }
  }

  /** Parses {@code batch.workers}: {@code auto} or a count. */
  public static int parseWorkers(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    if (v.equals("auto")) {
      return AUTO_WORKERS;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "batch.workers must be auto or a number of threads, got '" + value + "'");
    }
  }

  /**
   * Workers for the engine that serves ({@link EngineChoice#resolve resolved}) on {@code cores}.
   */
  public int workersFor(EngineChoice engine, int cores) {
    if (workers != AUTO_WORKERS) {
      return workers;
    }
    return engine == EngineChoice.ONNXRUNTIME ? Math.max(1, cores) : 1;
  }

  /** Threads one forward pass may use when {@code workers} passes share {@code cores}. */
  public static int threadsPerPass(int workers, int cores) {
    return Math.max(1, cores / Math.max(1, workers));
  }

  public BatchingConfig withWorkers(int count) {
    return new BatchingConfig(maxSize, maxTokens, maxWait, queueCapacity, count);
  }
}
