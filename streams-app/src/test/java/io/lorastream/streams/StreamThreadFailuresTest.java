package io.lorastream.streams;

import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.streams.config.ThreadReplacement;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

class StreamThreadFailuresTest {
  private final AtomicLong clock = new AtomicLong(1_000_000);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final StreamThreadFailures failures =
      new StreamThreadFailures(
          new ThreadReplacement(3, Duration.ofMinutes(10), Duration.ofMinutes(2)),
          clock::get,
          new FeedbackMetrics(registry, 5));

  /**
   * Kafka Streams wraps the cause in a message naming the task and offset, which differ from one
   * failure to the next.
   */
  private static Throwable sameBug(int offset) {
    return new StreamsException("Exception caught in process. taskId=0_1, offset=" + offset, bug());
  }

  private static IllegalStateException bug() {
    return new IllegalStateException("impression state format 9 is not readable");
  }

  private static Throwable otherBug() {
    return new StreamsException("failed", new ArithmeticException("/ by zero"));
  }

  private double count(String outcome) {
    return registry
        .find("lorastream.streams.stream.thread.failures")
        .tag("outcome", outcome)
        .counter()
        .count();
  }

  @Test
  void aThreadFailingTheSameWayIsReplacedThreeTimesThenTheClientStopsWithTheReason() {
    for (int i = 0; i < 3; i++) {
      assertThat(failures.handle(sameBug(i))).isEqualTo(REPLACE_THREAD);
      clock.addAndGet(20_000);
    }
    assertThat(failures.gaveUp()).isNull();
    assertThat(failures.handle(sameBug(99))).isEqualTo(SHUTDOWN_CLIENT);
    assertThat(failures.gaveUp())
        .contains(
            "failed the same way 4 times within PT10M",
            "max-thread-replacements 3",
            "format 9 is not readable",
            "java.lang.IllegalStateException at io.lorastream.streams.StreamThreadFailuresTest.bug");
    assertThat(count("replaced")).isEqualTo(3);
    assertThat(count("stopped")).isEqualTo(1);
  }

  @Test
  void failuresOutsideTheWindowOrOfAnotherKindDoNotCount() {
    assertThat(failures.handle(sameBug(1))).isEqualTo(REPLACE_THREAD);
    assertThat(failures.handle(sameBug(2))).isEqualTo(REPLACE_THREAD);
    clock.addAndGet(Duration.ofMinutes(10).toMillis()); // the first two are now out of the window
    assertThat(failures.handle(sameBug(3))).isEqualTo(REPLACE_THREAD);
    assertThat(failures.handle(otherBug())).isEqualTo(REPLACE_THREAD);
    assertThat(failures.handle(sameBug(4))).isEqualTo(REPLACE_THREAD);
    assertThat(failures.handle(otherBug())).isEqualTo(REPLACE_THREAD);
    assertThat(failures.handle(sameBug(5))).isEqualTo(REPLACE_THREAD);
    assertThat(failures.gaveUp()).isNull();
    assertThat(failures.handle(sameBug(6))).isEqualTo(SHUTDOWN_CLIENT);
  }

  @Test
  void aReplacedThreadThatDoesNotBringTheAppBackToRunningInTimeStopsItToo() {
    assertThat(failures.checkRecovery()).isFalse(); // nothing replaced
    assertThat(failures.handle(sameBug(1))).isEqualTo(REPLACE_THREAD);
    clock.addAndGet(Duration.ofMinutes(1).toMillis());
    assertThat(failures.checkRecovery()).isFalse();
    failures.running(); // recovered
    clock.addAndGet(Duration.ofMinutes(5).toMillis());
    assertThat(failures.checkRecovery()).isFalse();

    assertThat(failures.handle(otherBug())).isEqualTo(REPLACE_THREAD);
    clock.addAndGet(Duration.ofMinutes(2).toMillis() - 1);
    assertThat(failures.checkRecovery()).isFalse();
    clock.addAndGet(1);
    assertThat(failures.checkRecovery()).isTrue();
    assertThat(failures.gaveUp())
        .isEqualTo(
            "a replaced stream thread did not bring the app back to RUNNING within PT2M (thread-recovery-timeout)");
    assertThat(failures.checkRecovery()).isFalse(); // once
    assertThat(count("stopped")).isEqualTo(1);
  }

  @Test
  void withNoReplacementsTheFirstFailureStops() {
    StreamThreadFailures strict =
        new StreamThreadFailures(
            new ThreadReplacement(0, Duration.ofMinutes(1), Duration.ofMinutes(1)),
            clock::get,
            new FeedbackMetrics(new SimpleMeterRegistry(), 5));
    assertThat(strict.handle(bug())).isEqualTo(SHUTDOWN_CLIENT);
  }

  @Test
  void theWayOfFailingIsTheTypeChainAndWhereTheCauseWasThrownNotTheMessages() {
    assertThat(StreamThreadFailures.wayOf(sameBug(1)))
        .isEqualTo(StreamThreadFailures.wayOf(sameBug(2)))
        .startsWith(
            "org.apache.kafka.streams.errors.StreamsException < java.lang.IllegalStateException at ");
    assertThat(StreamThreadFailures.wayOf(sameBug(1)))
        .isNotEqualTo(StreamThreadFailures.wayOf(otherBug()));
  }
}
