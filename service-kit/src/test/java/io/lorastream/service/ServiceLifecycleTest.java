package io.lorastream.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ServiceLifecycleTest {
  @Test
  void aServiceThatFailsIsStoppedHereAndItsReasonReturned() throws Exception {
    AtomicInteger stops = new AtomicInteger();
    CompletableFuture<String> failure = new CompletableFuture<>();
    new Thread(() -> failure.complete("threads keep failing")).start();
    String reason =
        ServiceLifecycle.runUntilStopped("test-shutdown", stops::incrementAndGet, failure);
    assertThat(reason).isEqualTo("threads keep failing");
    assertThat(stops).hasValue(1);
  }

  @Test
  void aRemovedHookCanBeRemovedAgain() {
    ServiceLifecycle.Hook hook = ServiceLifecycle.onShutdown("test-hook", () -> {});
    hook.remove();
    hook.remove();
  }
}
