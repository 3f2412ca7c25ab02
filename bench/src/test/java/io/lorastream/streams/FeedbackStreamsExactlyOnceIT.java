package io.lorastream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.bench.streams.FeedbackScenario;
import io.lorastream.kafka.KafkaCluster;
import io.lorastream.kafka.TestKafka;
import io.lorastream.model.eval.BeirDataset;
import io.lorastream.schemas.DeadLetter;
import io.lorastream.schemas.DeadLetterReason;
import io.lorastream.schemas.EventCodecs;
import io.lorastream.schemas.PairKind;
import io.lorastream.schemas.TextLimits;
import io.lorastream.schemas.TopicNames;
import io.lorastream.schemas.TrainingPair;
import io.lorastream.streams.config.ConfigFiles;
import io.lorastream.streams.config.FeedbackStreamsConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app in a child JVM on a real broker: SciFact train queries become impressions with clicks on
 * their relevant docs; the app is SIGKILLed while it works through the second half, restarted on
 * the same state directory, and every expected pair must then be in the (read_committed) output
 * exactly once, with nothing else, and every bad record exactly once in the dead-letter topic.
 */
class FeedbackStreamsExactlyOnceIT {
  private static KafkaCluster kafka;
  @TempDir static Path dir;

  @BeforeAll
  static void startKafka() {
    kafka = TestKafka.start();
  }

  @AfterAll
  static void stopKafka() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void everyExpectedPairArrivesExactlyOnceAcrossAHardKillAndRestart() throws Exception {
    String bootstrap = kafka.bootstrapServers();
    Path configFile = dir.resolve("streams.yaml");
    Files.writeString(
        configFile,
        """
        topic-prefix: it.
        application-id: lorastream-streams-it
        window: 20s
        grace: 5s
        close-check-interval: 1s
        idle-close-after: 0
        document-wait: 60s
        partitions: 3
        commit-interval: 100ms
        metrics-port: 0
        kafka:
          session.timeout.ms: 6000
        """);
    FeedbackStreamsConfig config = ConfigFiles.load(configFile);
    TopicNames topics = config.topics();
    FeedbackStreamsApp.ensureTopics(bootstrap, config, Duration.ofSeconds(30));
    assertTopicLayout(bootstrap, topics);

    Path datasets = Path.of(System.getProperty("lorastream.datasets"));
    BeirDataset scifact = BeirDataset.load(datasets.resolve("scifact"));
    FeedbackScenario scenario =
        FeedbackScenario.generate(
            scifact,
            topics,
            new FeedbackScenario.Settings(
                FeedbackScenario.trainQueries(scifact).size(),
                10,
                FeedbackScenario.USERS,
                2_000,
                42,
                // event times near the wall clock: the broker deletes records whose timestamps are
                // past retention
                Instant.now()
                    .minus(Duration.ofHours(1))
                    .truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                "scifact"));
    List<FeedbackScenario.Event> events = scenario.events();
    int half = events.size() / 2;
    List<ProducerRecord<byte[], byte[]>> bad = badRecords(topics);

    Path stateDir = dir.resolve("state");
    Path log = dir.resolve("streams-child.log");
    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
      scenario.documents().forEach(e -> producer.send(record(e), (m, ex) -> check(ex)));
      producer.flush();
      Process app = startChild(bootstrap, configFile, stateDir, log);
      try {
        // the corpus is known before feedback starts, as in a real deployment
        awaitCount(bootstrap, config.passagesTopic(), scifact.corpus().size(), app, log);

        // phase 1: the first half (every 7th event sent twice, as a retrying producer would) and
        // bad records
        events.subList(0, half).forEach(e -> send(producer, e));
        bad.subList(0, bad.size() / 2).forEach(producer::send);
        producer.flush();
        awaitCount(bootstrap, topics.trainingPairs(), 100, app, log);

        // phase 2: kill -9 while the second half is being processed
        List<FeedbackScenario.Event> second = events.subList(half, events.size());
        int third = second.size() / 3;
        second.subList(0, third).forEach(e -> send(producer, e));
        producer.flush();
        Thread.sleep(300);
        app.destroyForcibly(); // SIGKILL: no shutdown hook, no commit, open transaction left behind
        assertThat(app.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        second.subList(third, second.size()).forEach(e -> send(producer, e));
        bad.subList(bad.size() / 2, bad.size()).forEach(producer::send);
        producer.flush();
        // a far-later impression on every partition moves stream time past the last windows
        long after = events.get(events.size() - 1).timestampMs() + 3_600_000;
        for (int p = 0; p < config.runtime().partitions(); p++) {
          String id = "tick-" + p;
          String json =
              "{\"schema_version\":1,\"event_id\":\""
                  + id
                  + "\",\"tenant\":\"scifact\",\"event_time\":\""
                  + Instant.ofEpochMilli(after)
                  + "\",\"impression_id\":\""
                  + id
                  + "\",\"session_id\":\"s\",\"query\":\"tick\","
                  + "\"results\":[{\"doc_id\":\"4983\",\"rank\":1,\"score\":1}],\"model_version\":\"m\"}";
          producer.send(
              new ProducerRecord<>(topics.searchEvents(), p, after, utf8(id), utf8(json)));
        }
        producer.flush();
      } finally {
        app.destroyForcibly();
      }

      Process restarted = startChild(bootstrap, configFile, stateDir, log);
      try {
        int expectedPairs =
            scenario.expectedClickPairs().size() + scenario.expectedLabelPairs().size();
        awaitCount(bootstrap, topics.trainingPairs(), expectedPairs, restarted, log, false);
        awaitCount(bootstrap, topics.deadLetters(), bad.size(), restarted, log, false);
        assertThat(sendErrors).as("input records the test failed to produce").isEmpty();
        Set<String> searchKeys =
            KafkaReader.readCommitted(bootstrap, topics.searchEvents()).stream()
                .map(r -> new String(r.key(), StandardCharsets.UTF_8))
                .collect(Collectors.toSet());
        assertThat(searchKeys)
            .as("search events on the broker")
            .containsAll(
                scenario.expectedClickPairs().stream()
                    .map(FeedbackScenario.ExpectedClickPair::impressionId)
                    .toList());
        Thread.sleep(5_000); // anything extra would show up now
        assertPairs(bootstrap, topics, scenario, config.rules().maxNegatives());
        assertDeadLetters(bootstrap, topics, bad);

        assertMetricsServed(log);

        restarted.destroy(); // SIGTERM: the shutdown hook closes the app cleanly
        assertThat(restarted.waitFor(60, java.util.concurrent.TimeUnit.SECONDS))
            .as("exits on SIGTERM")
            .isTrue();
        assertThat(Files.readString(log))
            .contains("lorastream streams stopped cleanly", "lorastream streams stopped");
      } finally {
        restarted.destroyForcibly();
      }
    }
  }

  private static void assertPairs(
      String bootstrap, TopicNames topics, FeedbackScenario scenario, int k) {
    EventCodecs codecs = EventCodecs.create(TextLimits.DEFAULTS);
    List<TrainingPair> pairs = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r :
        KafkaReader.readCommitted(bootstrap, topics.trainingPairs())) {
      TrainingPair p = codecs.trainingPairs().decode(r.value());
      assertThat(new String(r.key(), StandardCharsets.UTF_8))
          .isEqualTo(p.adapter())
          .isEqualTo("scifact");
      pairs.add(p);
    }
    assertThat(pairs).extracting(TrainingPair::pairId).doesNotHaveDuplicates();

    Map<String, List<TrainingPair>> clicks =
        pairs.stream()
            .filter(p -> p.kind() == PairKind.CLICK)
            .collect(Collectors.groupingBy(p -> p.impressionId() + "|" + p.positiveDocId()));
    Map<String, FeedbackScenario.ExpectedClickPair> expected = new HashMap<>();
    scenario
        .expectedClickPairs()
        .forEach(e -> expected.put(e.impressionId() + "|" + e.positiveDocId(), e));
    assertThat(clicks.keySet()).isEqualTo(expected.keySet());
    clicks.forEach(
        (key, found) -> {
          assertThat(found).as("pairs for %s", key).hasSize(1);
          List<String> negatives = expected.get(key).negativeCandidates();
          assertThat(found.get(0).negativeDocIds())
              .as("negatives of %s", key)
              .isEqualTo(negatives.subList(0, Math.min(k, negatives.size())));
        });

    Map<String, List<TrainingPair>> labels =
        pairs.stream()
            .filter(p -> p.kind() == PairKind.LABEL)
            .collect(Collectors.groupingBy(p -> p.sourceEventIds().get(0)));
    assertThat(labels).hasSameSizeAs(scenario.expectedLabelPairs());
    for (FeedbackScenario.ExpectedLabelPair e : scenario.expectedLabelPairs()) {
      assertThat(labels.get(e.labelEventId()))
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.positiveDocId()).isEqualTo(e.docId());
                assertThat(p.label()).isEqualTo(e.label());
              });
    }
  }

  private static void assertDeadLetters(
      String bootstrap, TopicNames topics, List<ProducerRecord<byte[], byte[]>> bad) {
    List<ConsumerRecord<byte[], byte[]>> letters =
        KafkaReader.readCommitted(bootstrap, topics.deadLetters());
    assertThat(letters).hasSameSizeAs(bad);
    Set<String> expectedValues =
        bad.stream()
            .map(r -> new String(r.value(), StandardCharsets.UTF_8))
            .collect(Collectors.toSet());
    Set<String> seen = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> r : letters) {
      String value = new String(r.value(), StandardCharsets.UTF_8);
      assertThat(seen.add(value)).as("dead-lettered once: %s", value).isTrue();
      DeadLetter letter = DeadLetter.fromHeaders(r.headers());
      assertThat(letter.reason())
          .isIn(DeadLetterReason.UNPARSEABLE_JSON, DeadLetterReason.KEY_MISMATCH);
    }
    assertThat(seen).isEqualTo(expectedValues);
  }

  /**
   * TopicAdmin's standard layout for the app's own topics: compacted documents, large records where
   * pairs and dead letters go; the trainer's and server's topics are left to them.
   */
  private static void assertTopicLayout(String bootstrap, TopicNames topics) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    try (org.apache.kafka.clients.admin.Admin admin =
        org.apache.kafka.clients.admin.Admin.create(p)) {
      var resource =
          (java.util.function.Function<String, org.apache.kafka.common.config.ConfigResource>)
              t ->
                  new org.apache.kafka.common.config.ConfigResource(
                      org.apache.kafka.common.config.ConfigResource.Type.TOPIC, t);
      var configs =
          admin
              .describeConfigs(
                  List.of(
                      resource.apply(topics.documents()),
                      resource.apply(topics.trainingPairs()),
                      resource.apply(topics.deadLetters())))
              .all()
              .get();
      assertThat(configs.get(resource.apply(topics.documents())).get("cleanup.policy").value())
          .isEqualTo("compact");
      assertThat(configs.get(resource.apply(topics.deadLetters())).get("max.message.bytes").value())
          .isEqualTo(Integer.toString(io.lorastream.schemas.TopicAdmin.EVENT_MAX_MESSAGE_BYTES));
      assertThat(
              configs.get(resource.apply(topics.trainingPairs())).get("max.message.bytes").value())
          .isEqualTo(Integer.toString(io.lorastream.schemas.TopicAdmin.EVENT_MAX_MESSAGE_BYTES));
      // one broker: the default replication (3, 2 in sync) is capped to what it can hold
      assertThat(
              configs
                  .get(resource.apply(topics.trainingPairs()))
                  .get("min.insync.replicas")
                  .value())
          .isEqualTo("1");
      assertThat(
              admin
                  .describeTopics(List.of(topics.searchEvents(), topics.interactions()))
                  .allTopicNames()
                  .get()
                  .values())
          .allSatisfy(d -> assertThat(d.partitions()).hasSize(3));
      assertThat(admin.listTopics().names().get())
          .doesNotContain(topics.adapters(), topics.trainerCheckpoints());
    }
  }

  /**
   * The running app's /metrics has its own meters and Kafka Streams' (port from the app's start-up
   * line).
   */
  private static void assertMetricsServed(Path log) throws Exception {
    var m =
        java.util.regex.Pattern.compile("metrics on http://localhost:(\\d+)/metrics")
            .matcher(Files.readString(log));
    String port = null;
    while (m.find()) {
      port = m.group(1);
    }
    assertThat(port).as("the app printed its metrics port").isNotNull();
    var response =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://localhost:" + port + "/metrics"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .contains(
            "lorastream_streams_pairs_out_total{adapter=\"scifact\"",
            "lorastream_streams_events_in_total",
            "lorastream_streams_event_to_pair_latency_seconds",
            "kafka_stream_");
  }

  /** 20 unparseable search events and 10 interactions whose key is not their impression id. */
  private static List<ProducerRecord<byte[], byte[]>> badRecords(TopicNames topics) {
    List<ProducerRecord<byte[], byte[]>> bad = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      if (i % 3 == 2) {
        String json =
            "{\"schema_version\":1,\"event_id\":\"bad-"
                + i
                + "\",\"tenant\":\"scifact\","
                + "\"event_time\":\""
                + Instant.now().minusSeconds(3600)
                + "\",\"impression_id\":\"imp-x\",\"doc_id\":\"4983\",\"type\":\"click\"}";
        bad.add(new ProducerRecord<>(topics.interactions(), utf8("wrong-key-" + i), utf8(json)));
      } else {
        bad.add(new ProducerRecord<>(topics.searchEvents(), utf8("k" + i), utf8("{not json " + i)));
      }
    }
    return bad;
  }

  private static Process startChild(String bootstrap, Path config, Path stateDir, Path log)
      throws Exception {
    System.out.printf("%s: starting the streams app%n", Instant.now());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
            java,
            "-Xmx512m",
            "-cp",
            System.getProperty("java.class.path"),
            FeedbackStreamsMain.class.getName(),
            "--bootstrap",
            bootstrap,
            "--config",
            config.toString(),
            "--state-dir",
            stateDir.toString());
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return pb.start();
  }

  /**
   * Waits until the topic holds at least {@code n} committed records; fails early if the child
   * died.
   */
  private static void awaitCount(String bootstrap, String topic, int n, Process app, Path log)
      throws Exception {
    awaitCount(bootstrap, topic, n, app, log, true);
  }

  /**
   * With {@code hard} false, a timeout just returns: the assertions that follow say what is
   * missing.
   */
  private static void awaitCount(
      String bootstrap, String topic, int n, Process app, Path log, boolean hard) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
    BooleanSupplier done = () -> KafkaReader.readCommitted(bootstrap, topic).size() >= n;
    long t0 = System.nanoTime();
    while (!done.getAsBoolean()) {
      if (!app.isAlive()) {
        throw new AssertionError(
            "the streams app exited (" + app.exitValue() + "); log:\n" + tail(log));
      }
      if (System.nanoTime() > deadline) {
        if (!hard) {
          System.out.printf("%s: gave up waiting for %d records on %s%n", Instant.now(), n, topic);
          return;
        }
        throw new AssertionError(
            "fewer than "
                + n
                + " records on "
                + topic
                + " after 60 s (found "
                + KafkaReader.readCommitted(bootstrap, topic).size()
                + "); dead letters: "
                + deadLetterSummary(bootstrap, topic)
                + "; late samples: "
                + KafkaReader.readCommitted(
                        bootstrap, topic.substring(0, topic.indexOf('.') + 1) + "dlq")
                    .stream()
                    .map(r -> DeadLetter.fromHeaders(r.headers()))
                    .filter(
                        d ->
                            d.reason() == DeadLetterReason.LATE_EVENT
                                && d.sourceTopic().endsWith("search-events"))
                    .limit(4)
                    .map(
                        d ->
                            d.sourceTopic()
                                + "@"
                                + d.sourcePartition()
                                + "/"
                                + d.sourceOffset()
                                + " "
                                + d.message())
                    .toList()
                + "; log:\n"
                + tail(log));
      }
      Thread.sleep(500);
    }
    System.out.printf(
        "%s: %d records on %s after %.1f s%n",
        Instant.now(), n, topic, (System.nanoTime() - t0) / 1e9);
  }

  private static Map<String, Long> deadLetterSummary(String bootstrap, String someTopic) {
    String dlq = someTopic.substring(0, someTopic.indexOf('.') + 1) + "dlq";
    return KafkaReader.readCommitted(bootstrap, dlq).stream()
        .collect(
            Collectors.groupingBy(
                r ->
                    DeadLetter.fromHeaders(r.headers()).reason().wireName()
                        + ": "
                        + DeadLetter.fromHeaders(r.headers())
                            .message()
                            .replaceAll("[0-9]", "#")
                            .substring(0, 60),
                Collectors.counting()));
  }

  private static String tail(Path log) throws Exception {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static int sent;
  private static final List<Exception> sendErrors =
      java.util.Collections.synchronizedList(new ArrayList<>());

  private static void check(Exception e) {
    if (e != null) {
      sendErrors.add(e);
    }
  }

  /** Sends the event, and every 7th one twice: replays must make no new pair. */
  private static void send(KafkaProducer<byte[], byte[]> producer, FeedbackScenario.Event e) {
    producer.send(record(e), (m, ex) -> check(ex));
    if (++sent % 7 == 0) {
      producer.send(record(e), (m, ex) -> check(ex));
    }
  }

  private static ProducerRecord<byte[], byte[]> record(FeedbackScenario.Event e) {
    return new ProducerRecord<>(e.topic(), null, e.timestampMs(), utf8(e.key()), e.value());
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
