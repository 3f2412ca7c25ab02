package io.lorastream.server.batch;

import io.lorastream.model.tokenize.LengthBatches;
import io.lorastream.model.tokenize.TokenBatch;
import io.lorastream.model.tokenize.Tokens;
import io.lorastream.server.config.BatchingConfig;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs concurrent requests together. Requests queue per key (one key per encoder: the base, or one
 * adapter version), so a forward pass never mixes versions. A worker takes the queue whose oldest
 * request waited longest, and runs it once it holds {@code maxSize} texts or its oldest request has
 * waited {@code maxWait}; while a worker is busy, requests pile up and the next batch forms without
 * waiting. The texts of a batch are sorted by length and cut into passes bounded by {@code maxSize}
 * texts and {@code maxTokens} padded tokens.
 *
 * <p>The queue is bounded in texts over all keys: a request that does not fit is refused at once
 * ({@link QueueFullException}), never parked, so memory and waiting time stay bounded under any
 * load.
 *
 * @param <K> the batching key; compared with {@code equals} (identity for the server's encoders)
 */
public final class DynamicBatcher<K> implements AutoCloseable {

  /** Runs one padded batch through the encoder behind {@code key}: [B][H] unit vectors. */
  @FunctionalInterface
  public interface Forward<K> {
    float[][] run(K key, TokenBatch batch);
  }

  private static final Logger LOG = LoggerFactory.getLogger(DynamicBatcher.class);

  private static final class Job<K> {
    final K key;
    final List<Tokens> texts;
    final CompletableFuture<float[][]> result = new CompletableFuture<>();
    final long enqueuedNanos = System.nanoTime();

    Job(K key, List<Tokens> texts) {
      this.key = key;
      this.texts = texts;
    }
  }

  private final BatchingConfig config;
  private final long timeoutNanos;
  private final Forward<K> forward;
  private final IntConsumer batchSizes;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Map<K, ArrayDeque<Job<K>>> queues = new HashMap<>();
  private final List<Thread> workers = new ArrayList<>();
  private int pendingTexts;
  private boolean closed;

  /**
   * @param requestTimeout a request still queued after this long fails with {@link
   *     RequestTimeoutException}
   * @param batchSizes receives the number of texts of every forward pass (a metric)
   */
  public DynamicBatcher(
      BatchingConfig config, Duration requestTimeout, Forward<K> forward, IntConsumer batchSizes) {
    this.config = config;
    this.timeoutNanos = requestTimeout.toNanos();
    this.forward = forward;
    this.batchSizes = batchSizes;
    for (int i = 0; i < config.workers(); i++) {
      Thread t = new Thread(this::work, "lorastream-batch-" + i);
      t.setDaemon(true);
      workers.add(t);
      t.start();
    }
  }

  /**
   * Queues texts for the encoder behind {@code key}.
   *
   * @return completes with one vector per text, in order
   * @throws QueueFullException when the queue has no room for these texts
   * @throws ShuttingDownException after {@link #close}
   */
  public CompletableFuture<float[][]> submit(K key, List<Tokens> texts) {
    if (texts.isEmpty()) {
      return CompletableFuture.completedFuture(new float[0][]);
    }
    Job<K> job = new Job<>(key, List.copyOf(texts));
    lock.lock();
    try {
      if (closed) {
        throw new ShuttingDownException();
      }
      if (pendingTexts + texts.size() > config.queueCapacity()) {
        throw new QueueFullException(texts.size(), pendingTexts, config.queueCapacity());
      }
      queues.computeIfAbsent(key, k -> new ArrayDeque<>()).add(job);
      pendingTexts += texts.size();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    return job.result;
  }

  /** Texts waiting for a forward pass. */
  public int depth() {
    lock.lock();
    try {
      return pendingTexts;
    } finally {
      lock.unlock();
    }
  }

  private void work() {
    while (true) {
      List<Job<K>> batch;
      try {
        batch = next();
      } catch (InterruptedException e) {
        return;
      }
      if (batch == null) {
        return;
      }
      run(batch);
    }
  }

  /** Blocks until a batch is due; null when closed and drained. */
  private List<Job<K>> next() throws InterruptedException {
    lock.lock();
    try {
      while (true) {
        if (queues.isEmpty()) {
          if (closed) {
            return null;
          }
          changed.await();
          continue;
        }
        Map.Entry<K, ArrayDeque<Job<K>>> oldest = null;
        for (Map.Entry<K, ArrayDeque<Job<K>>> e : queues.entrySet()) {
          if (oldest == null
              || e.getValue().peek().enqueuedNanos < oldest.getValue().peek().enqueuedNanos) {
            oldest = e;
          }
        }
        ArrayDeque<Job<K>> q = oldest.getValue();
        int waiting = 0;
        for (Job<K> j : q) {
          waiting += j.texts.size();
        }
        long wait = q.peek().enqueuedNanos + config.maxWait().toNanos() - System.nanoTime();
        if (waiting < config.maxSize() && wait > 0 && !closed) {
          changed.awaitNanos(wait);
          continue;
        }
        List<Job<K>> batch = new ArrayList<>();
        int n = 0;
        while (!q.isEmpty() && (batch.isEmpty() || n + q.peek().texts.size() <= config.maxSize())) {
          Job<K> j = q.poll();
          batch.add(j);
          n += j.texts.size();
        }
        if (q.isEmpty()) {
          queues.remove(oldest.getKey());
        }
        pendingTexts -= n;
        return batch;
      }
    } finally {
      lock.unlock();
    }
  }

  /** One key's jobs: passes of length-sorted texts; every job gets its vectors or its error. */
  private void run(List<Job<K>> jobs) {
    long now = System.nanoTime();
    List<Job<K>> live = new ArrayList<>(jobs.size());
    for (Job<K> j : jobs) {
      long waited = now - j.enqueuedNanos;
      if (j.result.isDone()) {
        continue; // the client gave up
      }
      if (waited > timeoutNanos) {
        j.result.completeExceptionally(
            new RequestTimeoutException(TimeUnit.NANOSECONDS.toMillis(waited)));
        continue;
      }
      live.add(j);
    }
    if (live.isEmpty()) {
      return;
    }
    K key = live.get(0).key;
    List<Tokens> texts = new ArrayList<>();
    int[] jobOf = new int[live.stream().mapToInt(j -> j.texts.size()).sum()];
    int[] indexInJob = new int[jobOf.length];
    float[][][] out = new float[live.size()][][];
    for (int ji = 0; ji < live.size(); ji++) {
      Job<K> j = live.get(ji);
      out[ji] = new float[j.texts.size()][];
      for (int ti = 0; ti < j.texts.size(); ti++) {
        jobOf[texts.size()] = ji;
        indexInJob[texts.size()] = ti;
        texts.add(j.texts.get(ti));
      }
    }
    try {
      for (int[] pass : LengthBatches.plan(texts, config.maxSize(), config.maxTokens())) {
        List<Tokens> chunk = new ArrayList<>(pass.length);
        for (int t : pass) {
          chunk.add(texts.get(t));
        }
        float[][] vectors = forward.run(key, TokenBatch.pad(chunk));
        batchSizes.accept(chunk.size());
        for (int i = 0; i < pass.length; i++) {
          out[jobOf[pass[i]]][indexInJob[pass[i]]] = vectors[i];
        }
      }
      for (int ji = 0; ji < live.size(); ji++) {
        live.get(ji).result.complete(out[ji]);
      }
    } catch (RuntimeException | Error e) {
      LOG.error("a forward pass of {} texts failed", texts.size(), e);
      for (Job<K> j : live) {
        j.result.completeExceptionally(e);
      }
    }
  }

  /** Stops taking work, runs what is queued, and stops the workers. */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    for (Thread t : workers) {
      try {
        t.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
