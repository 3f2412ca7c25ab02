package io.lorastream.cli;

import io.lorastream.model.adapter.AdapterSigner;
import io.lorastream.service.MetricsEndpoint;
import io.lorastream.service.ServiceLifecycle;
import io.lorastream.trainer.ContinualTrainer;
import io.lorastream.trainer.TrainerConfigFiles;
import io.lorastream.trainer.TrainerSettings;
import io.lorastream.trainer.step.TrainerModel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The continual LoRA trainer, running until Ctrl-C or SIGTERM (which commits the work done so far).
 */
@Command(
    name = "trainer",
    mixinStandardHelpOptions = true,
    description = {
      "Train LoRA adapters continuously from the training-pairs topic and publish signed adapter versions.",
      "Every setting, its default and meaning: docs/configuration.md (trainer)."
    })
final class TrainerCommand implements Callable<Integer> {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  /**
   * Environment variable holding the signing key (PEM or base64 PKCS#8) when no file is configured.
   */
  static final String SIGNING_KEY_ENV = "LORASTREAM_SIGNING_KEY";

  @Option(
      names = "--bootstrap",
      paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers (wins over the file).")
  String bootstrap;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Settings file (.yaml, .yml or .properties).")
  Path config;

  @Option(
      names = "--signing-key",
      paramLabel = "FILE",
      description =
          "Ed25519 private key PEM ('lorastream keys generate'); else signing-key, else $"
              + SIGNING_KEY_ENV
              + ".")
  Path signingKey;

  @Option(
      names = "--metrics-port",
      paramLabel = "N",
      description = "/metrics port (0 = any free port, -1 = none).")
  Integer metricsPort;

  @Option(
      names = "--instance-id",
      paramLabel = "ID",
      description = "This instance's stable id (its transactional.id).")
  String instanceId;

  @Override
  public Integer call() {
    TrainerSettings settings;
    AdapterSigner signer;
    try {
      Map<String, String> overrides = new LinkedHashMap<>();
      if (bootstrap != null) {
        overrides.put("bootstrap", bootstrap);
      }
      if (signingKey != null) {
        overrides.put("signing-key", signingKey.toString());
      }
      if (metricsPort != null) {
        overrides.put("metrics-port", metricsPort.toString());
      }
      if (instanceId != null) {
        overrides.put("instance-id", instanceId);
      }
      settings =
          config == null
              ? TrainerConfigFiles.fromMap(overrides)
              : TrainerConfigFiles.load(config, overrides);
      signer = signer(settings);
    } catch (IllegalArgumentException | IOException e) {
      spec.commandLine().getErr().println("lorastream trainer: " + e.getMessage());
      spec.commandLine().getErr().flush();
      return 2;
    }
    MetricsEndpoint endpoint =
        settings.metricsPort() >= 0 ? MetricsEndpoint.start(settings.metricsPort()) : null;
    MeterRegistry registry = endpoint != null ? endpoint.registry() : new SimpleMeterRegistry();
    try (TrainerModel model =
        TrainerModel.load(
            settings.baseModel(),
            settings.device(),
            settings.precision(),
            settings.documentCacheSize())) {
      ContinualTrainer trainer = new ContinualTrainer(settings, model, signer, registry, null);
      // SIGTERM or Ctrl-C: the trainer commits the work done so far, and run() returns
      ServiceLifecycle.onShutdown(
          "lorastream-trainer-shutdown",
          () -> {
            trainer.stop();
            try {
              trainer.awaitStopped(Duration.ofSeconds(60));
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
      if (endpoint != null) {
        System.err.println("lorastream trainer: /metrics on port " + endpoint.port());
      }
      trainer.run();
      return 0;
    } catch (RuntimeException e) {
      spec.commandLine().getErr().println("lorastream trainer: " + e.getMessage());
      spec.commandLine().getErr().flush();
      return 1;
    } finally {
      if (endpoint != null) {
        endpoint.close();
      }
    }
  }

  private static AdapterSigner signer(TrainerSettings s) throws IOException {
    if (s.signingKey() != null) {
      return AdapterSigner.fromFile(s.signingKey());
    }
    String text = System.getenv(SIGNING_KEY_ENV);
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(
          "no signing key: create one with './lorastream keys generate --out DIR' and pass --signing-key DIR/"
              + io.lorastream.model.adapter.AdapterKeys.PRIVATE_KEY_FILE
              + " (or signing-key in the config, or $"
              + SIGNING_KEY_ENV
              + ")");
    }
    return AdapterSigner.fromText(text, "$" + SIGNING_KEY_ENV);
  }
}
