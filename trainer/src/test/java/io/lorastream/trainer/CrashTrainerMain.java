package io.lorastream.trainer;

import io.lorastream.model.adapter.AdapterManifest;
import io.lorastream.model.adapter.AdapterSigner;
import io.lorastream.trainer.step.TrainerModel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The trainer as a separate JVM for the crash test: settings from a properties file, markers on
 * stdout ({@code READY}, {@code STEP n}, {@code PRECOMMIT}, {@code COMMITTED}) so the test can kill
 * it at chosen moments. With {@code -Dcrash.pause.ms=N} it pauses N ms at PRECOMMIT, widening the
 * window in which a kill leaves an open transaction on the broker. SIGTERM stops it cleanly.
 */
public final class CrashTrainerMain {

  public static void main(String[] args) throws Exception {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(Path.of(args[0]))) {
      p.load(r);
    }
    Map<String, String> keys = new HashMap<>();
    p.stringPropertyNames().forEach(k -> keys.put(k, p.getProperty(k)));
    TrainerSettings s = TrainerConfigFiles.fromMap(keys);
    long pause = Long.getLong("crash.pause.ms", 0);
    try (TrainerModel model =
        TrainerModel.load(s.baseModel(), s.device(), s.precision(), s.documentCacheSize())) {
      ContinualTrainer trainer =
          new ContinualTrainer(
              s,
              model,
              AdapterSigner.fromFile(s.signingKey()),
              new SimpleMeterRegistry(),
              new TrainerListener() {
                @Override
                public void stepTaken(
                    String adapter, long step, double loss, int newPairs, int replayed) {
                  say("STEP " + step);
                  System.err.println(
                      "STEP "
                          + step
                          + " loss "
                          + loss
                          + " new "
                          + newPairs
                          + " replayed "
                          + replayed);
                }

                @Override
                public void aboutToCommit() {
                  say("PRECOMMIT");
                  if (pause > 0) {
                    try {
                      Thread.sleep(pause);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }
                }

                @Override
                public void committed(List<AdapterManifest> published, int checkpoints) {
                  say("COMMITTED " + published.size());
                }
              });
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    trainer.stop();
                    try {
                      trainer.awaitStopped(java.time.Duration.ofSeconds(30));
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }));
      say("READY");
      trainer.run();
    }
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
