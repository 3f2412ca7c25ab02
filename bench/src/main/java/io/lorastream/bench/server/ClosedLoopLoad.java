package io.lorastream.bench.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;

/**
 * N clients, each sending its next request as soon as the previous one is answered. Requests are
 * numbered and drawn from one shared counter, and what request {@code i} carries depends only on
 * {@code i} (e.g. odd ones are batches): so a run bounded by a request count gives every system
 * exactly the same work, whichever clients happen to send what. A run bounded by time stops drawing
 * at the deadline.
 */
public final class ClosedLoopLoad {

  /**
   * Sends request {@code item}; returns how many texts it embedded, or a negative count (or throws)
   * on failure.
   */
  @FunctionalInterface
  public interface Call {
    int call(int client, long item) throws Exception;
  }

  private ClosedLoopLoad() {}

  /**
   * @param maxTime stop drawing requests after this long
   * @param maxItems stop after this many requests (Long.MAX_VALUE: time only)
   * @param isBatch whether request {@code i} is a batch (for the latency split)
   */
  public static LoadReport run(
      int clients, Duration maxTime, long maxItems, Call call, LongPredicate isBatch)
      throws InterruptedException {
    AtomicLong next = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong texts = new AtomicLong();
    long[][] latencies = new long[clients][];
    long[][] items = new long[clients][];
    int[] counts = new int[clients];
    CountDownLatch start = new CountDownLatch(1);
    long[] deadline = new long[1];
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      latencies[c] = new long[1024];
      items[c] = new long[1024];
      Thread t =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                while (System.nanoTime() < deadline[0]) {
                  long item = next.getAndIncrement();
                  if (item >= maxItems) {
                    return;
                  }
                  long t0 = System.nanoTime();
                  int n;
                  try {
                    n = call.call(client, item);
                  } catch (Exception e) {
                    n = -1;
                  }
                  long took = System.nanoTime() - t0;
                  if (n < 0) {
                    failed.incrementAndGet();
                  } else {
                    texts.addAndGet(n);
                  }
                  if (counts[client] == latencies[client].length) {
                    latencies[client] = Arrays.copyOf(latencies[client], counts[client] * 2);
                    items[client] = Arrays.copyOf(items[client], counts[client] * 2);
                  }
                  latencies[client][counts[client]] = took;
                  items[client][counts[client]++] = item;
                }
              },
              "bench-client-" + c);
      threads.add(t);
      t.start();
    }
    long began = System.nanoTime();
    deadline[0] = began + maxTime.toNanos();
    start.countDown();
    for (Thread t : threads) {
      t.join();
    }
    double seconds = (System.nanoTime() - began) / 1e9;
    List<Long> all = new ArrayList<>();
    List<Long> single = new ArrayList<>();
    List<Long> batch = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      for (int i = 0; i < counts[c]; i++) {
        all.add(latencies[c][i]);
        (isBatch.test(items[c][i]) ? batch : single).add(latencies[c][i]);
      }
    }
    return new LoadReport(
        all.size(),
        failed.get(),
        texts.get(),
        seconds,
        toArray(all),
        toArray(single),
        toArray(batch));
  }

  private static long[] toArray(List<Long> l) {
    return l.stream().mapToLong(Long::longValue).toArray();
  }
}
