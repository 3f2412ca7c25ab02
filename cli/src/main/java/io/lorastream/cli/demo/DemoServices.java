package io.lorastream.cli.demo;

import io.lorastream.cli.acl.AccessPolicy;
import io.lorastream.cli.acl.AccessSetup;
import io.lorastream.kafka.BrokerSecurity;
import io.lorastream.kafka.EmbeddedKafkaBroker;
import io.lorastream.kafka.EmbeddedKafkaConfig;
import io.lorastream.model.adapter.AdapterKeys;
import io.lorastream.model.adapter.AdapterSigner;
import io.lorastream.model.eval.BeirDataset;
import io.lorastream.model.eval.EmbeddingMatrix;
import io.lorastream.model.weights.BaseModel;
import io.lorastream.model.weights.BaseModelLoader;
import io.lorastream.schemas.Document;
import io.lorastream.schemas.TopicAdmin;
import io.lorastream.schemas.TopicNames;
import io.lorastream.schemas.TopicReplication;
import io.lorastream.server.EmbeddingServer;
import io.lorastream.server.config.ServerConfigFiles;
import io.lorastream.service.MetricsEndpoint;
import io.lorastream.streams.FeedbackStreamsApp;
import io.lorastream.streams.config.ConfigFiles;
import io.lorastream.trainer.ContinualTrainer;
import io.lorastream.trainer.TrainerConfigFiles;
import io.lorastream.trainer.TrainerListener;
import io.lorastream.trainer.TrainerSettings;
import io.lorastream.trainer.step.TrainerModel;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The four services of the loop in this JVM, each started through the same entry point its own
 * command uses: the in-process Kafka broker, the streams app, the embedding server and the trainer.
 * They talk to each other only through Kafka and HTTP, as separate deployments would, and each logs
 * in to Kafka as its own principal: the broker runs with SASL/SCRAM and the ACLs of {@link
 * AccessPolicy} (passwords random, in memory), as docker-compose and the Kubernetes manifests do.
 */
final class DemoServices implements AutoCloseable {

  private final EmbeddedKafkaBroker broker;
  private final EmbeddingServer server;
  private final FeedbackStreamsApp streams;
  private final TrainerModel trainerModel;
  private final MetricsEndpoint trainerMetrics;
  private final ContinualTrainer trainer;
  private final Thread trainerThread;
  private final Path publicKey;
  private final BaseModel base;
  private final TrainerSettings trainerSettings;
  private final Map<String, Map<String, String>> clients;

  private DemoServices(
      EmbeddedKafkaBroker broker,
      EmbeddingServer server,
      FeedbackStreamsApp streams,
      TrainerModel trainerModel,
      MetricsEndpoint trainerMetrics,
      ContinualTrainer trainer,
      Thread trainerThread,
      Path publicKey,
      BaseModel base,
      TrainerSettings trainerSettings,
      Map<String, Map<String, String>> clients) {
    this.broker = broker;
    this.server = server;
    this.streams = streams;
    this.trainerModel = trainerModel;
    this.trainerMetrics = trainerMetrics;
    this.trainer = trainer;
    this.trainerThread = trainerThread;
    this.publicKey = publicKey;
    this.base = base;
    this.trainerSettings = trainerSettings;
    this.clients = clients;
  }

  /** Starts everything; on a failure, what started is stopped again. */
  static DemoServices start(
      DemoSettings s, BeirDataset data, TrainerListener listener, PrintStream log)
      throws IOException {
    Files.createDirectories(s.out());
    Path keys = s.out().resolve("keys");
    Files.createDirectories(keys);
    KeyPair pair = AdapterKeys.generate();
    Path privateKey = keys.resolve(AdapterKeys.PRIVATE_KEY_FILE);
    Path publicKey = keys.resolve(AdapterKeys.PUBLIC_KEY_FILE);
    AdapterKeys.writePrivateKey(privateKey, pair.getPrivate(), true);
    AdapterKeys.writePublicKey(publicKey, pair.getPublic(), true);

    log.println("demo: starting the Kafka broker (in-process, KRaft, SASL/SCRAM and ACLs)...");
    Map<String, String> passwords = new LinkedHashMap<>();
    Map<String, String> users = new LinkedHashMap<>();
    AccessPolicy.DEFAULT
        .principals()
        .byRole()
        .forEach(
            (role, principal) -> {
              users.put(role, principal.substring("User:".length()));
              passwords.put(principal.substring("User:".length()), BrokerSecurity.randomPassword());
            });
    BrokerSecurity security = BrokerSecurity.scram(passwords);
    EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.start(EmbeddedKafkaConfig.defaults().withSecurity(security));
    Map<String, Map<String, String>> clients = new LinkedHashMap<>();
    users.forEach(
        (role, user) -> {
          Map<String, String> p = new LinkedHashMap<>();
          security.clientProperties(user).forEach((k, v) -> p.put(k, v.toString()));
          clients.put(role, Map.copyOf(p));
        });
    EmbeddingServer server = null;
    FeedbackStreamsApp streams = null;
    TrainerModel trainerModel = null;
    MetricsEndpoint trainerMetrics = null;
    try {
      String bootstrap = broker.bootstrapServers();
      // as the cluster's admin: the topics (no service principal may create them) and the ACLs
      Map<String, Object> adminProps = new LinkedHashMap<>(security.adminClientProperties());
      adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      try (Admin admin = Admin.create(adminProps)) {
        AccessSetup.apply(
            admin,
            AccessPolicy.DEFAULT,
            Map.of(),
            TopicAdmin.standardSpecs(TopicNames.DEFAULT, 3, TopicReplication.DEFAULT),
            Duration.ofSeconds(60));
      }
      log.println(
          "demo: broker at "
              + bootstrap
              + " (principals "
              + users.values()
              + "); loading the base model...");
      BaseModel base = BaseModelLoader.load("default");

      Map<String, String> serverKeys = new LinkedHashMap<>();
      serverKeys.put("bootstrap-servers", bootstrap);
      serverKeys.put("host", "127.0.0.1");
      serverKeys.put("port", Integer.toString(s.serverPort()));
      serverKeys.put("allow-anonymous", "true"); // a local demo; real deployments set api-keys
      serverKeys.put("adapter-public-key", publicKey.toAbsolutePath().toString());
      serverKeys.put("instance-id", "demo-server");
      clients.get("server").forEach((k, v) -> serverKeys.put("kafka." + k, v));
      clients
          .get("admin")
          .forEach((k, v) -> serverKeys.put("admin-kafka." + k, v)); // the admin API writes pins
      server = EmbeddingServer.start(ServerConfigFiles.fromMap(serverKeys, Map.of(), null), base);
      log.println(
          "demo: embedding server at "
              + server.uri()
              + " (OpenAI-compatible /v1/embeddings, /metrics)");

      Map<String, String> streamsKeys = new LinkedHashMap<>();
      // Impressions close 10 s after they are shown (plus 3 s grace): a demo cannot wait the
      // default 30 minutes.
      streamsKeys.put("window", "10s");
      streamsKeys.put("grace", "3s");
      streamsKeys.put("metrics-port", Integer.toString(s.streamsMetricsPort()));
      streamsKeys.put("state-dir", freshDirectory(s.out().resolve("streams-state")).toString());
      streamsKeys.put("tenant-adapters." + s.tenant(), s.adapter());
      clients.get("streams").forEach((k, v) -> streamsKeys.put("kafka." + k, v));
      streams =
          FeedbackStreamsApp.start(
              bootstrap, ConfigFiles.fromMap(streamsKeys), Duration.ofMinutes(2));
      log.println("demo: streams app running, /metrics on port " + streams.metricsPort());

      Map<String, String> trainerKeys = new LinkedHashMap<>();
      trainerKeys.put("bootstrap", bootstrap);
      trainerKeys.put(
          "instance-id", "lorastream-trainer-demo"); // the ACLs' transactional-id prefix
      trainerKeys.put("signing-key", privateKey.toAbsolutePath().toString());
      trainerKeys.put("metrics-port", Integer.toString(s.trainerMetricsPort()));
      trainerKeys.put("commit-interval", "15s");
      trainerKeys.put("commit-every-steps", "40");
      // A BEIR set has a few hundred to a few thousand train queries, and users reach only part of
      // them in ten minutes: the gate's bounds narrow with the square root of the held-out queries,
      // so the demo holds out 30%.
      trainerKeys.put("holdout-fraction", "0.3");
      trainerKeys.put(
          "adapters." + s.adapter() + ".mode", s.mode().name().toLowerCase(java.util.Locale.ROOT));
      clients.get("trainer").forEach((k, v) -> trainerKeys.put("kafka." + k, v));
      TrainerSettings settings = TrainerConfigFiles.fromMap(trainerKeys);
      trainerModel =
          TrainerModel.of(
              base, settings.device(), settings.precision(), settings.documentCacheSize());
      trainerMetrics = MetricsEndpoint.start(settings.metricsPort());
      ContinualTrainer trainer =
          new ContinualTrainer(
              settings,
              trainerModel,
              AdapterSigner.fromFile(privateKey),
              trainerMetrics.registry(),
              listener);
      Thread thread = new Thread(trainer::run, "demo-trainer");
      thread.setDaemon(true);
      thread.start();
      log.println(
          "demo: trainer running (adapter "
              + s.adapter()
              + ", mode "
              + s.mode().name().toLowerCase(java.util.Locale.ROOT)
              + "), /metrics on port "
              + trainerMetrics.port());
      return new DemoServices(
          broker,
          server,
          streams,
          trainerModel,
          trainerMetrics,
          trainer,
          thread,
          publicKey,
          base,
          settings,
          clients);
    } catch (RuntimeException | IOException e) {
      closeQuietly(trainerMetrics);
      closeQuietly(trainerModel);
      closeQuietly(streams);
      closeQuietly(server);
      closeQuietly(broker);
      throw e;
    }
  }

  /**
   * Gives the trainer the search application's index: the base embedding of every document, by text
   * for its training cache (query-mode steps never embed a document again) and by id for the gate's
   * known corpus (held-out queries are ranked against all of them). A deployment primes the trainer
   * the same way from its own index.
   */
  public void primeTrainer(String adapter, BeirDataset data, EmbeddingMatrix index) {
    int maxLength = trainerSettings.settingsFor(adapter).maxSeqLength();
    for (int i = 0; i < index.size(); i++) {
      String id = index.ids().get(i);
      var d = data.corpus().get(id);
      trainerModel.documents(maxLength).put(Document.passage(d.title(), d.text()), index.row(i));
      trainerModel.corpus(maxLength).put(id, index.row(i));
    }
  }

  /**
   * The streams app's state of an earlier demo belongs to that demo's broker, which is gone: start
   * empty.
   */
  private static Path freshDirectory(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (var walk = Files.walk(dir)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    return Files.createDirectories(dir).toAbsolutePath();
  }

  String bootstrap() {
    return broker.bootstrapServers();
  }

  /**
   * The Kafka client settings of a role of {@link AccessPolicy.Principals#byRole()}: its SCRAM
   * login.
   */
  Map<String, String> clientProperties(String role) {
    return clients.get(role);
  }

  URI serverUri() {
    return server.uri();
  }

  TopicNames topics() {
    return trainerSettings.topics();
  }

  Path publicKey() {
    return publicKey;
  }

  BaseModel base() {
    return base;
  }

  /** Where Prometheus finds the three services' metrics. */
  List<URI> metricsEndpoints() {
    return List.of(
        server.uri().resolve("/metrics"),
        URI.create("http://127.0.0.1:" + streams.metricsPort() + "/metrics"),
        URI.create("http://127.0.0.1:" + trainerMetrics.port() + "/metrics"));
  }

  /** Stops the trainer first: it commits its checkpoints and offsets (as on SIGTERM). */
  void stopTrainer(Duration timeout) throws InterruptedException {
    trainer.stop();
    if (!trainer.awaitStopped(timeout)) {
      trainerThread.interrupt();
    }
  }

  @Override
  public void close() {
    try {
      stopTrainer(Duration.ofSeconds(60));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeQuietly(trainerMetrics);
    closeQuietly(trainerModel);
    closeQuietly(streams);
    closeQuietly(server);
    closeQuietly(broker);
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      System.err.println(
          "demo: while stopping " + c.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }
}
