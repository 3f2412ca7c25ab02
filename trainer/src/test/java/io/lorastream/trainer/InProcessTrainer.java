package io.lorastream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.model.adapter.AdapterManifest;
import io.lorastream.model.adapter.AdapterSigner;
import io.lorastream.trainer.step.TrainerModel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * A trainer on its own thread in the test's JVM, with what it reported: versions, back-pressure,
 * its meters.
 */
final class InProcessTrainer implements AutoCloseable {

  /**
   * A back-pressure event: partition paused (or resumed) with the largest adapter backlog at that
   * moment.
   */
  record BackPressure(int partition, boolean paused, int pending) {}

  final ContinualTrainer trainer;
  final Thread thread;
  final List<AdapterManifest> published = new CopyOnWriteArrayList<>();
  final List<BackPressure> backPressure = new CopyOnWriteArrayList<>();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  volatile Throwable failure;

  InProcessTrainer(Map<String, String> keys, TrainerModel model, Path privateKey) throws Exception {
    trainer =
        new ContinualTrainer(
            TrainerConfigFiles.fromMap(keys),
            model,
            AdapterSigner.fromFile(privateKey),
            registry,
            new TrainerListener() {
              @Override
              public void committed(List<AdapterManifest> p, int checkpoints) {
                published.addAll(p);
              }

              @Override
              public void backPressure(int partition, boolean paused, int pending) {
                backPressure.add(new BackPressure(partition, paused, pending));
              }
            });
    thread =
        new Thread(
            () -> {
              try {
                trainer.run();
              } catch (Throwable t) {
                failure = t;
              }
            },
            "in-process-trainer");
    thread.start();
  }

  /** Waits for {@code done}, failing at once if the trainer died. */
  void await(String what, Duration timeout, BooleanSupplier done) throws InterruptedException {
    ContinualTrainerIT.await(
        what,
        timeout,
        () -> {
          if (failure != null) {
            throw new AssertionError("the trainer failed while waiting for " + what, failure);
          }
          return done.getAsBoolean();
        });
  }

  /** A counter's value, 0 when it was never incremented. */
  double count(String name, String... tags) {
    Counter c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  @Override
  public void close() throws Exception {
    trainer.stop();
    assertThat(trainer.awaitStopped(Duration.ofSeconds(60))).isTrue();
    assertThat(failure).as("the trainer's failure").isNull();
  }
}
