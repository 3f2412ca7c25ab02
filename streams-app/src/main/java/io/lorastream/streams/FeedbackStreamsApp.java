package io.lorastream.streams;

import io.lorastream.schemas.EventCodecs;
import io.lorastream.schemas.KafkaClientProperties;
import io.lorastream.schemas.TopicAdmin;
import io.lorastream.schemas.TopicNames;
import io.lorastream.schemas.TopicSpec;
import io.lorastream.service.MetricsEndpoint;
import io.lorastream.streams.config.FeedbackStreamsConfig;
import io.lorastream.streams.config.StreamsRuntime;
import io.lorastream.streams.errors.DeadLetterDeserializationHandler;
import io.lorastream.streams.errors.DeadLetterProcessingHandler;
import io.lorastream.streams.errors.DeadLetterProductionHandler;
import io.lorastream.streams.errors.DeadLetterPublisher;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running streams app: topics checked, Kafka Streams started under exactly-once, /metrics and
 * /health/* served. When its stream threads keep failing the same way, or a replaced one does not
 * recover ({@link StreamThreadFailures}), it stops, and {@link #failure()} says why.
 */
public final class FeedbackStreamsApp implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FeedbackStreamsApp.class);

  /**
   * The producer's batch size per partition (pairs, changelogs, dead letters); {@code
   * kafka.producer.batch.size} overrides.
   */
  static final int PRODUCER_BATCH_BYTES = 512 * 1024;

  private final KafkaStreams streams;
  private final MetricsEndpoint metrics;
  private final KafkaStreamsMetrics streamsMetrics;
  private final DeadLetterPublisher publisher;
  private final StreamThreadFailures threadFailures;
  private final CompletableFuture<String> failure = new CompletableFuture<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ScheduledExecutorService watchdog =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "lorastream-streams-watchdog");
            t.setDaemon(true);
            return t;
          });

  private FeedbackStreamsApp(
      KafkaStreams streams,
      MetricsEndpoint metrics,
      KafkaStreamsMetrics streamsMetrics,
      DeadLetterPublisher publisher,
      StreamThreadFailures threadFailures) {
    this.streams = streams;
    this.metrics = metrics;
    this.streamsMetrics = streamsMetrics;
    this.publisher = publisher;
    this.threadFailures = threadFailures;
  }

  /**
   * Creates missing topics (if configured), starts the app and waits until it is RUNNING. Topics,
   * internal ones included, get the configured replication capped at the cluster's broker count.
   */
  public static FeedbackStreamsApp start(
      String bootstrapServers, FeedbackStreamsConfig configured, Duration timeout) {
    Map<String, Object> admin = adminProperties(bootstrapServers, configured.runtime());
    int brokers = TopicAdmin.brokerCount(admin, timeout);
    StreamsRuntime runtime = configured.runtime();
    FeedbackStreamsConfig config =
        configured.withRuntime(runtime.withReplication(runtime.replication().cappedTo(brokers)));
    if (config.runtime().createTopics()) {
      ensureTopics(admin, config, timeout);
    }
    HealthEndpoint health = new HealthEndpoint();
    MetricsEndpoint metricsServer = MetricsEndpoint.start(config.runtime().metricsPort(), health);
    log.info("serving /metrics, /health/live and /health/ready on :{}", metricsServer.port());
    FeedbackMetrics metrics =
        new FeedbackMetrics(metricsServer.registry(), config.routing().metricsMaxAdapters());
    DeadLetterPublisher publisher =
        new DeadLetterPublisher(
            bootstrapServers,
            KafkaClientProperties.forClient(
                runtime.kafka(), ProducerConfig.configNames(), StreamsConfig.PRODUCER_PREFIX),
            config.topics().deadLetters(),
            metrics::deadLetter);
    EventCodecs codecs = EventCodecs.create(config.limits(), config.jsonLimits());
    KafkaStreams streams =
        new KafkaStreams(
            FeedbackTopology.build(config, codecs, metrics),
            streamsProperties(bootstrapServers, config, publisher));
    KafkaStreamsMetrics binder = new KafkaStreamsMetrics(streams);
    binder.bindTo(metricsServer.registry());
    StreamThreadFailures threadFailures =
        new StreamThreadFailures(config.threadReplacement(), System::currentTimeMillis, metrics);
    streams.setUncaughtExceptionHandler(threadFailures);
    FeedbackStreamsApp app =
        new FeedbackStreamsApp(streams, metricsServer, binder, publisher, threadFailures);
    health.use(app::health);
    CountDownLatch runningOrFailed = new CountDownLatch(1);
    streams.setStateListener(
        (now, before) -> {
          log.info("streams state {} -> {}", before, now);
          if (now == KafkaStreams.State.RUNNING) {
            threadFailures.running();
            runningOrFailed.countDown();
          } else if (now == KafkaStreams.State.ERROR) {
            String why = threadFailures.gaveUp();
            app.failure.complete(
                why != null ? why : "Kafka Streams stopped on an error; the log has the exception");
            runningOrFailed.countDown();
          }
        });
    app.failure.thenRun(runningOrFailed::countDown);
    app.watchdog.scheduleWithFixedDelay(
        () -> {
          if (threadFailures.checkRecovery()) {
            app.failure.complete(threadFailures.gaveUp());
          }
        },
        1,
        1,
        TimeUnit.SECONDS);
    streams.start();
    try {
      boolean settled = runningOrFailed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (app.failure.isDone()) {
        app.close();
        throw new IllegalStateException(
            "the streams app stopped while starting: " + app.failure.getNow(null));
      }
      if (!settled) {
        app.close();
        throw new IllegalStateException(
            "the streams app did not reach RUNNING within "
                + timeout
                + " (state "
                + streams.state()
                + "); is the broker at "
                + bootstrapServers
                + " reachable?");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      app.close();
      throw new IllegalStateException("interrupted while starting", e);
    }
    log.info(
        "lorastream streams running: {} -> {}; metrics on :{}/metrics",
        config.topics().prefix() + "*",
        config.topics().trainingPairs(),
        metricsServer.port());
    return app;
  }

  /**
   * An admin client's settings: the bootstrap servers and what {@code kafka.*} says to admin
   * clients (security).
   */
  static Map<String, Object> adminProperties(String bootstrapServers, StreamsRuntime rt) {
    Map<String, Object> p =
        new HashMap<>(
            KafkaClientProperties.forClient(
                rt.kafka(), AdminClientConfig.configNames(), StreamsConfig.ADMIN_CLIENT_PREFIX));
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return p;
  }

  /** {@link #ensureTopics(Map, FeedbackStreamsConfig, Duration)} on {@code bootstrapServers}. */
  static void ensureTopics(
      String bootstrapServers, FeedbackStreamsConfig config, Duration timeout) {
    ensureTopics(adminProperties(bootstrapServers, config.runtime()), config, timeout);
  }

  /**
   * The topics the app reads and writes (the standard layout's feedback inputs, training-pairs and
   * the dead-letter topic) plus its passages topic; search-events and interactions must be
   * co-partitioned. The trainer's and the server's topics are theirs to create: the app's principal
   * may not even see them.
   */
  static void ensureTopics(
      Map<String, Object> adminProperties, FeedbackStreamsConfig config, Duration timeout) {
    StreamsRuntime rt = config.runtime();
    TopicNames n = config.topics();
    List<String> mine =
        List.of(
            n.documents(),
            n.searchEvents(),
            n.interactions(),
            n.relevanceLabels(),
            n.trainingPairs(),
            n.deadLetters());
    List<TopicSpec> specs =
        new ArrayList<>(
            TopicAdmin.standardSpecs(n, rt.partitions(), rt.replication()).stream()
                .filter(s -> mine.contains(s.name()))
                .toList());
    Map<String, String> passages = new HashMap<>(rt.replication().topicConfigs());
    passages.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    passages.put(
        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(TopicAdmin.EVENT_MAX_MESSAGE_BYTES));
    specs.add(
        new TopicSpec(config.passagesTopic(), rt.partitions(), rt.replicationFactor(), passages));
    var result = TopicAdmin.ensure(adminProperties, specs, timeout);
    if (!result.created().isEmpty()) {
      log.info("created topics {}", result.created());
    }
    int searches = result.partitions().get(config.topics().searchEvents());
    int interactions = result.partitions().get(config.topics().interactions());
    if (searches != interactions) {
      throw new IllegalStateException(
          config.topics().searchEvents()
              + " has "
              + searches
              + " partitions but "
              + config.topics().interactions()
              + " has "
              + interactions
              + "; they must match so interactions land with their impression"
              + " (add partitions to the smaller one, or recreate both)");
    }
  }

  /**
   * Kafka Streams settings: exactly-once, the dead-letter handlers, sizes for large pairs; {@code
   * kafka.*} last.
   */
  public static Properties streamsProperties(
      String bootstrapServers, FeedbackStreamsConfig config, DeadLetterPublisher publisher) {
    StreamsRuntime rt = config.runtime();
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, rt.applicationId());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, rt.commitInterval().toMillis());
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, rt.cacheMaxBytes());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, rt.numStreamThreads());
    p.put(StreamsConfig.STATE_DIR_CONFIG, rt.stateDir().toString());
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) rt.replicationFactor());
    p.put(
        StreamsConfig.topicPrefix(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG),
        Integer.toString(rt.minInsyncReplicas()));
    p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, rt.maxTaskIdle().toMillis());
    p.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterDeserializationHandler.class);
    p.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class);
    p.put(
        StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProductionHandler.class);
    p.put(
        StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
        TopicAdmin.EVENT_MAX_MESSAGE_BYTES);
    // A pair carries 1 + k passages (~7 KB): the client's 16 KB default batch would hold two, one
    // produce request each.
    p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), PRODUCER_BATCH_BYTES);
    if (publisher != null) {
      p.put(DeadLetterPublisher.CONFIG_KEY, publisher);
    }
    p.putAll(rt.kafka());
    return p;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  public KafkaStreams streams() {
    return streams;
  }

  public int metricsPort() {
    return metrics.port();
  }

  public MetricsEndpoint metrics() {
    return metrics;
  }

  /**
   * Completes, with the reason, when the app has stopped on its own: its stream threads kept
   * failing.
   */
  public CompletableFuture<String> failure() {
    return failure;
  }

  /** What the health endpoints report. */
  Health health() {
    return Health.of(streams.state(), threadFailures.gaveUp());
  }

  /**
   * Stops processing (committing the open transaction) and leaves the consumer group, so the
   * remaining instances take over its partitions at once instead of after the session timeout; then
   * the metrics endpoint.
   */
  public void close(Duration timeout) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    watchdog.shutdownNow();
    boolean clean =
        streams.close(new KafkaStreams.CloseOptions().timeout(timeout).leaveGroup(true));
    streamsMetrics.close();
    publisher.close();
    metrics.close();
    log.info(
        clean
            ? "lorastream streams stopped cleanly"
            : "lorastream streams stopped; close timed out after {}",
        timeout);
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
