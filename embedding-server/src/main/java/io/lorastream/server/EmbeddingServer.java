package io.lorastream.server;

import ai.djl.Device;
import io.javalin.Javalin;
import io.lorastream.model.adapter.AdapterKeys;
import io.lorastream.model.adapter.AdapterVerifier;
import io.lorastream.model.lora.LoraConfig;
import io.lorastream.model.serving.EngineChoice;
import io.lorastream.model.serving.ServingEngine;
import io.lorastream.model.serving.ServingEngines;
import io.lorastream.model.tokenize.TextTokenizer;
import io.lorastream.model.weights.BaseModel;
import io.lorastream.model.weights.BaseModelLoader;
import io.lorastream.server.adapters.AdapterCatalog;
import io.lorastream.server.adapters.AdapterRegistry;
import io.lorastream.server.adapters.AdapterWatcher;
import io.lorastream.server.adapters.PinPublisher;
import io.lorastream.server.adapters.ServedModel;
import io.lorastream.server.adapters.ServerTopics;
import io.lorastream.server.adapters.WatcherStatus;
import io.lorastream.server.api.HttpApi;
import io.lorastream.server.batch.DynamicBatcher;
import io.lorastream.server.config.BatchingConfig;
import io.lorastream.server.config.ServerConfig;
import io.lorastream.server.metrics.ServerMetrics;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.CommonClientConfigs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedding server: the base model on its device, the adapter registry fed by the adapters
 * topic, the dynamic batcher and the HTTP API. {@link #start} returns once HTTP is up; it is ready
 * ({@code /health/ready}) once the adapters topic has been read to the end offsets it had at start.
 */
public final class EmbeddingServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddingServer.class);

  private final ServerConfig config;
  private final TextTokenizer tokenizer;
  private final AdapterRegistry registry;
  private final AdapterWatcher watcher;
  private final PinPublisher pins;
  private final DynamicBatcher<ServedModel> batcher;
  private final ExecutorService respond;
  private final ServerMetrics metrics;
  private final Javalin app;

  private EmbeddingServer(
      ServerConfig config,
      TextTokenizer tokenizer,
      AdapterRegistry registry,
      AdapterWatcher watcher,
      PinPublisher pins,
      DynamicBatcher<ServedModel> batcher,
      ExecutorService respond,
      ServerMetrics metrics,
      Javalin app) {
    this.config = config;
    this.tokenizer = tokenizer;
    this.registry = registry;
    this.watcher = watcher;
    this.pins = pins;
    this.batcher = batcher;
    this.respond = respond;
    this.metrics = metrics;
    this.app = app;
  }

  /** Loads the configured base model, then starts. */
  public static EmbeddingServer start(ServerConfig config) throws IOException {
    return start(config, BaseModelLoader.load(config.baseModel()));
  }

  /** Starts on an already loaded base model (tests and the benchmark share one). */
  public static EmbeddingServer start(ServerConfig config, BaseModel base) throws IOException {
    if (config.maxLength() > base.config().maxPositions()) {
      throw new IllegalArgumentException(
          "max-length "
              + config.maxLength()
              + " exceeds the "
              + base.config().maxPositions()
              + " positions of "
              + base.id().name()
              + "; lower max-length");
    }
    Device device = config.device().resolve();
    ServerMetrics metrics = ServerMetrics.prometheus();
    TextTokenizer tokenizer = TextTokenizer.load(base.tokenizerJson(), config.maxLength());
    EngineChoice engineKind = config.engine().resolve(device, config.precision());
    int cores = Runtime.getRuntime().availableProcessors();
    BatchingConfig batching =
        config.batching().withWorkers(config.batching().workersFor(engineKind, cores));
    int threadsPerPass = BatchingConfig.threadsPerPass(batching.workers(), cores);
    ServingEngine engine =
        ServingEngines.open(config.engine(), base, device, config.precision(), threadsPerPass);
    LOG.info(
        "serving on {}: {} forward pass(es) at once, {} thread(s) each",
        engineKind.configName(),
        batching.workers(),
        engineKind == EngineChoice.ONNXRUNTIME ? threadsPerPass : "all");
    engine.prepare(
        LoraConfig.DEFAULT
            .targets()); // the trainer's default targets: their first version loads at once
    AdapterRegistry registry = new AdapterRegistry(engine, base.id(), config.adapters(), metrics);

    Map<String, String> client = new HashMap<>(config.kafkaProperties());
    client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    if (config.topics().createTopics()) {
      try {
        ServerTopics.ensure(client, config.topics(), Duration.ofSeconds(30));
      } catch (IllegalStateException e) {
        // serve the base model anyway; the watcher waits for the topics and readiness says why
        LOG.error(
            "{}; the server starts without adapters and becomes ready once the topics are readable",
            e.getMessage());
      }
    }
    AdapterVerifier verifier =
        new AdapterVerifier(config.adapters().publicKey(), base.id(), base.config());
    String clientId = "lorastream-server-" + config.instanceId();
    AdapterWatcher watcher =
        new AdapterWatcher(
            client,
            clientId + "-adapters",
            config.topics().adapters(),
            config.topics().adapterPins(),
            verifier,
            registry,
            config.watcher());
    metrics.kafkaReachable(() -> watcher.status().reachable() ? 1 : 0);
    Map<String, String> pinClient = new HashMap<>(config.pinKafkaProperties());
    pinClient.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    PinPublisher pins =
        new PinPublisher(pinClient, clientId + "-pins", config.topics().adapterPins());
    DynamicBatcher<ServedModel> batcher =
        new DynamicBatcher<>(
            batching, config.requestTimeout(), (m, b) -> m.model().embed(b), metrics::batch);
    metrics.queueDepth(batcher::depth);
    AtomicInteger threads = new AtomicInteger();
    ExecutorService respond =
        Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()),
            r -> {
              Thread t = new Thread(r, "lorastream-respond-" + threads.getAndIncrement());
              t.setDaemon(true);
              return t;
            });
    Javalin app =
        HttpApi.create(
            new HttpApi.Parts(
                config,
                tokenizer,
                base.config().hiddenSize(),
                registry,
                batcher,
                pins,
                metrics,
                respond,
                watcher::status));
    watcher.start();
    app.start(config.host(), config.port());
    LOG.info(
        "embedding server {} on http://{}:{} ({} on {} by {}, {}, max length {}), adapters from {} verified with {}",
        config.instanceId(),
        config.host(),
        app.port(),
        base.id().name(),
        device,
        engine.kind().configName(),
        config.precision(),
        config.maxLength(),
        config.topics().adapters(),
        AdapterKeys.fingerprint(config.adapters().publicKey()));
    return new EmbeddingServer(
        config, tokenizer, registry, watcher, pins, batcher, respond, metrics, app);
  }

  public int port() {
    return app.port();
  }

  /** Where a client on this machine reaches the server. */
  public URI uri() {
    String host =
        config.host().equals("0.0.0.0") || config.host().equals("::") ? "127.0.0.1" : config.host();
    return URI.create("http://" + host + ":" + port());
  }

  public ServerConfig config() {
    return config;
  }

  public AdapterRegistry registry() {
    return registry;
  }

  public ServerMetrics metrics() {
    return metrics;
  }

  public boolean ready() {
    return registry.catalog().caughtUp();
  }

  /** What the adapter watcher does now (catching up, following, Kafka unreachable ...). */
  public WatcherStatus watcherStatus() {
    return watcher.status();
  }

  /** Waits until ready; false when {@code timeout} passed first. */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    CompletableFuture<?> ready = registry.when(AdapterCatalog::caughtUp);
    try {
      ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      return false;
    } finally {
      ready.cancel(false);
    }
  }

  /** Stops HTTP, finishes queued batches, stops following Kafka, frees every encoder. */
  @Override
  public void close() {
    app.stop();
    batcher.close();
    respond.shutdown();
    try {
      respond.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    watcher.close();
    pins.close();
    registry.close();
    tokenizer.close();
    LOG.info("embedding server {} stopped", config.instanceId());
  }
}
