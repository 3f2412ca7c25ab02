package io.lorastream.server.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lorastream.model.tokenize.TokenBatch;
import io.lorastream.model.tokenize.Tokens;
import io.lorastream.server.config.BatchingConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Batch formation with a stand-in forward pass that returns, for each text, [first token id,
 * length]: so every request can check it got its own vectors back, in order, and every pass records
 * its key and size.
 */
class DynamicBatcherTest {

  private record Pass(String key, int size, int paddedLength) {}

  private final List<Pass> passes = Collections.synchronizedList(new ArrayList<>());

  private float[][] echo(String key, TokenBatch batch) {
    passes.add(new Pass(key, batch.size(), batch.paddedLength()));
    float[][] out = new float[batch.size()][];
    for (int i = 0; i < batch.size(); i++) {
      out[i] = new float[] {batch.ids()[i][0], batch.lengths()[i]};
    }
    return out;
  }

  private static Tokens text(int id, int length) {
    long[] ids = new long[length];
    ids[0] = id;
    return new Tokens(ids, new long[length], false);
  }

  private static BatchingConfig config(int maxSize, int maxTokens, Duration maxWait, int capacity) {
    return new BatchingConfig(maxSize, maxTokens, maxWait, capacity, 1);
  }

  @Test
  void concurrentRequestsForOneKeyShareOneForwardPassAndGetTheirOwnVectors() throws Exception {
    try (DynamicBatcher<String> b =
        new DynamicBatcher<>(
            config(8, 8192, Duration.ofMillis(300), 100),
            Duration.ofSeconds(30),
            this::echo,
            n -> {})) {
      List<CompletableFuture<float[][]>> futures = new ArrayList<>();
      for (int i = 1; i <= 4; i++) {
        futures.add(b.submit("v1", List.of(text(i, 3 + i))));
      }
      for (int i = 1; i <= 4; i++) {
        float[][] v = futures.get(i - 1).get(5, TimeUnit.SECONDS);
        assertThat(v).hasDimensions(1, 2);
        assertThat(v[0]).containsExactly(i, 3 + i);
      }
      assertThat(passes).containsExactly(new Pass("v1", 4, 7));
    }
  }

  @Test
  void noForwardPassMixesKeys() throws Exception {
    try (DynamicBatcher<String> b =
        new DynamicBatcher<>(
            config(8, 8192, Duration.ofMillis(200), 100),
            Duration.ofSeconds(30),
            this::echo,
            n -> {})) {
      List<CompletableFuture<float[][]>> futures = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        futures.add(b.submit(i % 2 == 0 ? "v1" : "v2", List.of(text(i, 2), text(100 + i, 3))));
      }
      for (int i = 0; i < 10; i++) {
        float[][] v = futures.get(i).get(5, TimeUnit.SECONDS);
        assertThat(v[0]).containsExactly(i, 2);
        assertThat(v[1]).containsExactly(100 + i, 3);
      }
      assertThat(passes).extracting(Pass::key).containsOnly("v1", "v2");
      assertThat(passes.stream().filter(p -> p.key().equals("v1")).mapToInt(Pass::size).sum())
          .isEqualTo(10);
      assertThat(passes.stream().filter(p -> p.key().equals("v2")).mapToInt(Pass::size).sum())
          .isEqualTo(10);
      assertThat(passes).allSatisfy(p -> assertThat(p.size()).isLessThanOrEqualTo(8));
    }
  }

  @Test
  void aFullBatchRunsWithoutWaitingForMaxWait() throws Exception {
    try (DynamicBatcher<String> b =
        new DynamicBatcher<>(
            config(4, 8192, Duration.ofSeconds(10), 100),
            Duration.ofSeconds(30),
            this::echo,
            n -> {})) {
      CompletableFuture<float[][]> f =
          b.submit("v1", List.of(text(1, 2), text(2, 2), text(3, 2), text(4, 2)));
      // waiting for max-wait (10 s) would miss this deadline
      assertThat(f.get(5, TimeUnit.SECONDS)).hasNumberOfRows(4);
    }
  }

  @Test
  void longTextsAreSplitIntoPassesWithinTheTokenBudgetLongestFirst() throws Exception {
    try (DynamicBatcher<String> b =
        new DynamicBatcher<>(
            config(8, 20, Duration.ZERO, 100), Duration.ofSeconds(30), this::echo, n -> {})) {
      float[][] v =
          b.submit("v1", List.of(text(1, 10), text(2, 4), text(3, 10), text(4, 4), text(5, 4)))
              .get(5, TimeUnit.SECONDS);
      for (int i = 0; i < 5; i++) {
        assertThat(v[i][0]).isEqualTo(i + 1);
      }
      // 2 x 10 tokens fit 20; then the three 4-token texts: 3 x 4 = 12
      assertThat(passes).containsExactly(new Pass("v1", 2, 10), new Pass("v1", 3, 4));
    }
  }

  @Test
  void theQueueRefusesWhatDoesNotFitInsteadOfGrowing() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    DynamicBatcher.Forward<String> blocking =
        (k, batch) -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return echo(k, batch);
        };
    try (DynamicBatcher<String> b =
        new DynamicBatcher<>(
            config(1, 8192, Duration.ZERO, 4), Duration.ofSeconds(30), blocking, n -> {})) {
      CompletableFuture<float[][]> running = b.submit("v1", List.of(text(0, 2)));
      while (b.depth() > 0) {
        Thread.sleep(5); // the worker takes it and blocks
      }
      List<CompletableFuture<float[][]>> queued = new ArrayList<>();
      for (int i = 1; i <= 4; i++) {
        queued.add(b.submit("v1", List.of(text(i, 2))));
      }
      assertThat(b.depth()).isEqualTo(4);
      assertThatThrownBy(() -> b.submit("v2", List.of(text(9, 2))))
          .isInstanceOf(QueueFullException.class)
          .hasMessageContaining("4 texts are waiting (queue capacity 4)");
      release.countDown();
      running.get(5, TimeUnit.SECONDS);
      for (CompletableFuture<float[][]> f : queued) {
        assertThat(f.get(5, TimeUnit.SECONDS)).hasNumberOfRows(1);
      }
    }
  }

  @Test
  void aFailingPassFailsOnlyItsOwnRequests() throws Exception {
    DynamicBatcher.Forward<String> failing =
        (k, batch) -> {
          if (k.equals("broken")) {
            throw new IllegalStateException("native failure");
          }
          return echo(k, batch);
        };
    try (DynamicBatcher<String> b =
        new DynamicBatcher<>(
            config(8, 8192, Duration.ofMillis(50), 100),
            Duration.ofSeconds(30),
            failing,
            n -> {})) {
      CompletableFuture<float[][]> bad = b.submit("broken", List.of(text(1, 2)));
      CompletableFuture<float[][]> good = b.submit("v1", List.of(text(2, 2)));
      assertThatThrownBy(() -> bad.get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(IllegalStateException.class);
      assertThat(good.get(5, TimeUnit.SECONDS)[0]).containsExactly(2, 2);
    }
  }

  @Test
  void requestsThatWaitedPastTheTimeoutFailInsteadOfRunning() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    DynamicBatcher.Forward<String> slow =
        (k, batch) -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return echo(k, batch);
        };
    try (DynamicBatcher<String> b =
        new DynamicBatcher<>(
            config(1, 8192, Duration.ZERO, 100), Duration.ofMillis(100), slow, n -> {})) {
      CompletableFuture<float[][]> first = b.submit("v1", List.of(text(1, 2)));
      while (b.depth() > 0) {
        Thread.sleep(5);
      }
      CompletableFuture<float[][]> late = b.submit("v1", List.of(text(2, 2)));
      Thread.sleep(300); // longer than the 100 ms timeout
      release.countDown();
      assertThat(first.get(5, TimeUnit.SECONDS)).hasNumberOfRows(1);
      assertThatThrownBy(() -> late.get(5, TimeUnit.SECONDS))
          .hasCauseInstanceOf(RequestTimeoutException.class);
      assertThat(passes).hasSize(1);
    }
  }

  @Test
  void closingRunsWhatIsQueuedThenRefusesNewWork() throws Exception {
    DynamicBatcher<String> b =
        new DynamicBatcher<>(
            config(8, 8192, Duration.ofSeconds(5), 100),
            Duration.ofSeconds(30),
            this::echo,
            n -> {});
    CompletableFuture<float[][]> queued = b.submit("v1", List.of(text(1, 2)));
    b.close();
    assertThat(queued.get(5, TimeUnit.SECONDS)).hasNumberOfRows(1);
    assertThatThrownBy(() -> b.submit("v1", List.of(text(2, 2))))
        .isInstanceOf(ShuttingDownException.class);
  }
}
