package io.lorastream.cli;

import io.lorastream.server.EmbeddingServer;
import io.lorastream.server.config.ServerConfig;
import io.lorastream.server.config.ServerConfigFiles;
import io.lorastream.service.ServiceLifecycle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The embedding server, running until Ctrl-C or SIGTERM. */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the OpenAI-compatible embeddings API, hot-swapping verified adapter versions from Kafka.",
      "Prints its URL (http://HOST:PORT) as the only line on stdout once HTTP is up.",
      "Secrets come from the environment (they win over the file): LORASTREAM_API_KEYS (comma-separated),"
          + " LORASTREAM_ADMIN_KEY, LORASTREAM_ADAPTER_PUBLIC_KEY (PEM text). Every key of --config is listed in"
          + " docs/configuration.md (embedding server)."
    })
final class ServerCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--bootstrap",
      paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers (overrides bootstrap-servers).")
  String bootstrap;

  @Option(
      names = "--port",
      paramLabel = "N",
      description = "HTTP port (overrides port; default 8080, 0 = any free port).")
  Integer port;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "A .properties or .yaml file of server settings.")
  Path config;

  @Option(
      names = "--public-key",
      paramLabel = "FILE",
      description =
          "The adapter-signing.pub written by 'lorastream keys generate' (overrides adapter-public-key).")
  Path publicKey;

  @Override
  public Integer call() throws InterruptedException {
    Map<String, String> overrides = new HashMap<>();
    if (bootstrap != null) {
      overrides.put("bootstrap-servers", bootstrap);
    }
    if (port != null) {
      overrides.put("port", Integer.toString(port));
    }
    if (publicKey != null) {
      overrides.put("adapter-public-key", publicKey.toAbsolutePath().toString());
    }
    ServerConfig cfg;
    EmbeddingServer server;
    try {
      cfg =
          config == null
              ? ServerConfigFiles.fromMap(overrides, System.getenv(), null)
              : ServerConfigFiles.load(config, overrides, System.getenv());
      server = EmbeddingServer.start(cfg);
    } catch (IllegalArgumentException
        | IllegalStateException
        | IOException
        | UncheckedIOException e) {
      spec.commandLine().getErr().println("lorastream server: " + e.getMessage());
      spec.commandLine().getErr().flush();
      return 1;
    }
    System.out.println(server.uri());
    System.out.flush();
    System.err.println(
        "lorastream server: serving "
            + server.uri()
            + "/v1/embeddings; ready once "
            + cfg.topics().adapters()
            + " is read (GET /health/ready); Ctrl-C stops it");
    // the server does not stop on its own: it runs until the JVM is asked to stop, then closes in
    // the hook
    ServiceLifecycle.runUntilStopped(
        "lorastream-server-shutdown", server::close, new CompletableFuture<>());
    return 0;
  }
}
