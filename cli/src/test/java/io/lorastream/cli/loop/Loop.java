package io.lorastream.cli.loop;

import io.lorastream.model.adapter.AdapterKeys;
import io.lorastream.model.adapter.AdapterSigner;
import io.lorastream.model.runtime.DeviceSetting;
import io.lorastream.model.runtime.Precision;
import io.lorastream.server.EmbeddingServer;
import io.lorastream.server.config.ServerConfigFiles;
import io.lorastream.streams.FeedbackStreamsApp;
import io.lorastream.streams.config.ConfigFiles;
import io.lorastream.trainer.ContinualTrainer;
import io.lorastream.trainer.TrainerConfigFiles;
import io.lorastream.trainer.TrainerListener;
import io.lorastream.trainer.TrainerSettings;
import io.lorastream.trainer.checkpoint.AdapterCheckpoint;
import io.lorastream.trainer.checkpoint.CheckpointCodec;
import io.lorastream.trainer.checkpoint.CheckpointMac;
import io.lorastream.trainer.step.TrainerModel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The three services of the loop in this JVM, each started through the entry point its own command
 * uses and each with its own Kafka client settings (its principal), as {@code DemoServices} starts
 * them for the demo: the streams app, the embedding server and the trainer, on a tiny base model so
 * that the test is about Kafka. They talk to each other only through Kafka and HTTP.
 */
final class Loop implements AutoCloseable {

  /** The tenant whose feedback the loop trains on, and the adapter the streams app routes it to. */
  static final String TENANT = "acme";

  static final String ADAPTER = "scifact";

  /**
   * What differs between the tests: the cluster, the topics' layout, and each service's {@code
   * kafka.*} settings.
   *
   * @param serverAdminKafka the server's {@code admin-kafka.*}: the principal its pin producer uses
   * @param trainerKeys trainer settings laid over the loop's
   */
  record Settings(
      String bootstrap,
      Path dir,
      int partitions,
      Map<String, String> streamsKafka,
      Map<String, String> trainerKafka,
      Map<String, String> serverKafka,
      Map<String, String> serverAdminKafka,
      Map<String, String> trainerKeys,
      TrainerListener listener) {}

  private final FeedbackStreamsApp streams;
  private final EmbeddingServer server;
  private final TrainerModel trainerModel;
  private final ContinualTrainer trainer;
  private final Thread trainerThread;
  private final AtomicReference<Throwable> trainerFailure;
  private final Path publicKey;
  private final Path tinyBase;
  private final TrainerSettings trainerSettings;
  private final CheckpointMac checkpointMac;

  private Loop(
      FeedbackStreamsApp streams,
      EmbeddingServer server,
      TrainerModel trainerModel,
      ContinualTrainer trainer,
      Thread trainerThread,
      AtomicReference<Throwable> trainerFailure,
      Path publicKey,
      Path tinyBase,
      TrainerSettings trainerSettings,
      CheckpointMac checkpointMac) {
    this.streams = streams;
    this.server = server;
    this.trainerModel = trainerModel;
    this.trainer = trainer;
    this.trainerThread = trainerThread;
    this.trainerFailure = trainerFailure;
    this.publicKey = publicKey;
    this.tinyBase = tinyBase;
    this.trainerSettings = trainerSettings;
    this.checkpointMac = checkpointMac;
  }

  static Loop start(Settings s) throws IOException {
    Path tinyBase = TinyBaseFolder.write(s.dir().resolve("tiny-base"));
    KeyPair keys = AdapterKeys.generate();
    Path privateKey = s.dir().resolve(AdapterKeys.PRIVATE_KEY_FILE);
    Path publicKey = s.dir().resolve(AdapterKeys.PUBLIC_KEY_FILE);
    AdapterKeys.writePrivateKey(privateKey, keys.getPrivate(), true);
    AdapterKeys.writePublicKey(publicKey, keys.getPublic(), true);

    FeedbackStreamsApp streams = null;
    EmbeddingServer server = null;
    TrainerModel model = null;
    try {
      Map<String, String> streamsKeys = new LinkedHashMap<>();
      streamsKeys.put("partitions", Integer.toString(s.partitions()));
      streamsKeys.put("metrics-port", "0");
      streamsKeys.put(
          "state-dir", Files.createDirectories(s.dir().resolve("streams-state")).toString());
      streamsKeys.put("tenant-adapters." + TENANT, ADAPTER);
      prefixed("kafka.", s.streamsKafka(), streamsKeys);
      streams =
          FeedbackStreamsApp.start(
              s.bootstrap(), ConfigFiles.fromMap(streamsKeys), Duration.ofMinutes(2));

      Map<String, String> serverKeys = new LinkedHashMap<>();
      serverKeys.put("bootstrap-servers", s.bootstrap());
      serverKeys.put("host", "127.0.0.1");
      serverKeys.put("port", "0");
      serverKeys.put("base-model", tinyBase.toString());
      serverKeys.put("device", "cpu");
      serverKeys.put("max-length", "32");
      serverKeys.put("allow-anonymous", "true");
      serverKeys.put("admin-key", "admin-key-of-the-test");
      serverKeys.put("adapter-public-key", publicKey.toString());
      serverKeys.put("topic-partitions", Integer.toString(s.partitions()));
      serverKeys.put("instance-id", "loop-server");
      prefixed("kafka.", s.serverKafka(), serverKeys);
      prefixed("admin-kafka.", s.serverAdminKafka(), serverKeys);
      server = EmbeddingServer.start(ServerConfigFiles.fromMap(serverKeys, Map.of(), null));

      Map<String, String> trainerKeys = new LinkedHashMap<>();
      trainerKeys.put("bootstrap", s.bootstrap());
      trainerKeys.put("instance-id", "lorastream-trainer-loop");
      trainerKeys.put("base-model", tinyBase.toString());
      trainerKeys.put("device", "cpu");
      trainerKeys.put("signing-key", privateKey.toString());
      trainerKeys.put("metrics-port", "-1");
      trainerKeys.put("partitions", Integer.toString(s.partitions()));
      trainerKeys.put("commit-every-steps", "3");
      trainerKeys.put("commit-interval", "500ms");
      trainerKeys.put("batch-max-wait", "300ms");
      trainerKeys.put("holdout-fraction", "0.1");
      trainerKeys.put("transaction-timeout", "30s");
      trainerKeys.put("adapter-defaults.lora-r", "2");
      trainerKeys.put("adapter-defaults.batch-size", "8");
      trainerKeys.put("adapter-defaults.max-seq-length", "24");
      trainerKeys.put("adapter-defaults.lr", "1e-2");
      trainerKeys.put("adapter-defaults.gate-min-queries", "1");
      trainerKeys.put("adapter-defaults.gate-tolerance", "inf");
      prefixed("kafka.", s.trainerKafka(), trainerKeys);
      trainerKeys.putAll(s.trainerKeys());
      TrainerSettings settings = TrainerConfigFiles.fromMap(trainerKeys);
      model = TrainerModel.load(settings.baseModel(), DeviceSetting.CPU, Precision.FP32, 10_000);
      ContinualTrainer trainer =
          new ContinualTrainer(
              settings,
              model,
              AdapterSigner.fromFile(privateKey),
              new SimpleMeterRegistry(),
              s.listener());
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread thread =
          new Thread(
              () -> {
                try {
                  trainer.run();
                } catch (Throwable t) {
                  failure.set(t);
                }
              },
              "loop-trainer");
      thread.setDaemon(true);
      thread.start();
      return new Loop(
          streams,
          server,
          model,
          trainer,
          thread,
          failure,
          publicKey,
          tinyBase,
          settings,
          CheckpointMac.derivedFrom(AdapterSigner.fromFile(privateKey)));
    } catch (RuntimeException | IOException e) {
      closeQuietly(model);
      closeQuietly(server);
      closeQuietly(streams);
      throw e;
    }
  }

  URI serverUri() {
    return server.uri();
  }

  FeedbackStreamsApp streams() {
    return streams;
  }

  TrainerSettings trainerSettings() {
    return trainerSettings;
  }

  /**
   * A checkpoint record of the loop's trainer, authenticated as the trainer authenticates it on
   * restore.
   */
  AdapterCheckpoint checkpoint(ConsumerRecord<String, byte[]> r) {
    return CheckpointCodec.decode(
        r.value(), r.key(), r.partition(), checkpointMac, r.topic() + "@" + r.offset());
  }

  Path publicKey() {
    return publicKey;
  }

  Path tinyBase() {
    return tinyBase;
  }

  /**
   * Why the trainer stopped on its own (a fatal Kafka error), or null while it runs or after a
   * clean stop.
   */
  Throwable trainerFailure() {
    return trainerFailure.get();
  }

  /** Stops the trainer: it finishes its step and commits what it has (as on SIGTERM). */
  void stopTrainer() throws InterruptedException {
    trainer.stop();
    if (!trainer.awaitStopped(Duration.ofSeconds(90))) {
      trainerThread.interrupt();
    }
  }

  @Override
  public void close() {
    try {
      stopTrainer();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeQuietly(trainerModel);
    closeQuietly(streams);
    closeQuietly(server);
  }

  private static void prefixed(String prefix, Map<String, String> from, Map<String, String> into) {
    from.forEach((k, v) -> into.put(prefix + k, v));
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      System.err.println("loop: while stopping " + c.getClass().getSimpleName() + ": " + e);
    }
  }
}
