package io.lorastream.server.api;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The concurrency limit of embedding requests before they reach the batcher's queue: at most {@code
 * slots} requests are read, parsed and tokenized at once, so what they hold in memory (bodies,
 * parsed texts, the tokenizer's working memory) is bounded whatever arrives. A request that finds
 * every slot taken waits up to {@code wait} for one, but only while no more than {@code slots}
 * others are waiting too; otherwise, and when the wait runs out, it gets 429 with Retry-After at
 * once, so a flood holds neither memory nor HTTP threads.
 */
final class Admission {

  /** A taken slot; give it back exactly once. */
  interface Slot extends AutoCloseable {
    @Override
    void close();
  }

  private final int slots;
  private final Semaphore free;
  private final AtomicInteger waiting = new AtomicInteger();
  private final long waitNanos;

  Admission(int slots, Duration wait) {
    this.slots = slots;
    this.free = new Semaphore(slots, true);
    this.waitNanos = Math.max(0, wait.toNanos());
  }

  /**
   * Takes a slot.
   *
   * @throws ApiException 429 when none frees up in time, or too many requests wait already
   */
  Slot enter() {
    if (!free.tryAcquire()) {
      if (waiting.incrementAndGet() > slots) {
        waiting.decrementAndGet();
        throw busy();
      }
      try {
        if (!free.tryAcquire(waitNanos, TimeUnit.NANOSECONDS)) {
          throw busy();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw busy();
      } finally {
        waiting.decrementAndGet();
      }
    }
    return new Slot() {
      private boolean released;

      @Override
      public void close() {
        if (!released) {
          released = true;
          free.release();
        }
      }
    };
  }

  /** Slots taken right now. */
  int inUse() {
    return slots - free.availablePermits();
  }

  private ApiException busy() {
    return new ApiException(
        429,
        "rate_limit_error",
        "The server is reading "
            + slots
            + " requests already (max-concurrent-requests) and more are waiting; retry"
            + " after the time in Retry-After.",
        null,
        "too_many_concurrent_requests",
        true);
  }
}
