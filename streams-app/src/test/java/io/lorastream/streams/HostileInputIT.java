package io.lorastream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.kafka.KafkaCluster;
import io.lorastream.kafka.TestKafka;
import io.lorastream.schemas.DeadLetter;
import io.lorastream.schemas.DeadLetterReason;
import io.lorastream.schemas.EventCodecs;
import io.lorastream.schemas.TextLimits;
import io.lorastream.schemas.TopicAdmin;
import io.lorastream.schemas.TrainingPair;
import io.lorastream.streams.config.ConfigFiles;
import io.lorastream.streams.config.FeedbackStreamsConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input on a real broker, the app running in this JVM under its default limits: each
 * refusal is dead-lettered with its reason, the app stays RUNNING, good input after it still
 * becomes a pair, and the state the bad input could build stays under its bound.
 */
class HostileInputIT {
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

  /** The app's defaults, but a short window, one partition and a free metrics port. */
  private static FeedbackStreamsConfig config(String name) {
    Map<String, String> m = new HashMap<>();
    m.put("topic-prefix", name + ".");
    m.put("application-id", "lorastream-" + name);
    m.put("window", "30s");
    m.put("grace", "5s");
    m.put("idle-close-after", "0");
    m.put("partitions", "1");
    m.put("metrics-port", "0");
    m.put("state-dir", dir.resolve(name).toString());
    return ConfigFiles.fromMap(m);
  }

  /** Ten minutes ago, whole seconds: event times near the clock, as in production. */
  private static final Instant T0 =
      Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(10));

  private static String search(String impressionId, Instant at, String extraField) {
    return "{\"schema_version\":1,\"event_id\":\"s-"
        + impressionId
        + "\",\"tenant\":\"acme\",\"event_time\":\""
        + at
        + "\",\"impression_id\":\""
        + impressionId
        + "\",\"session_id\":\"s\",\"query\":\"what is dna\",\"results\":["
        + "{\"doc_id\":\"d1\",\"rank\":1,\"score\":0.9},{\"doc_id\":\"d2\",\"rank\":2,\"score\":0.8}],"
        + "\"model_version\":\"m\""
        + (extraField == null ? "" : "," + extraField)
        + "}";
  }

  private static String click(
      String eventId, String impressionId, String docId, long dwellMs, Instant at) {
    return "{\"schema_version\":1,\"event_id\":\""
        + eventId
        + "\",\"tenant\":\"acme\",\"event_time\":\""
        + at
        + "\",\"impression_id\":\""
        + impressionId
        + "\",\"doc_id\":\""
        + docId
        + "\",\"type\":\"click\","
        + "\"dwell_ms\":"
        + dwellMs
        + "}";
  }

  private static String document(String docId) {
    return "{\"schema_version\":1,\"event_id\":\"doc-"
        + docId
        + "\",\"tenant\":\"acme\",\"event_time\":\""
        + T0
        + "\",\"doc_id\":\""
        + docId
        + "\",\"text\":\"text of "
        + docId
        + "\",\"updated_at\":\""
        + T0
        + "\"}";
  }

  private static KafkaProducer<byte[], byte[]> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicAdmin.EVENT_MAX_MESSAGE_BYTES);
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static void send(
      KafkaProducer<byte[], byte[]> producer, String topic, String key, String value, Instant at) {
    producer.send(new ProducerRecord<>(topic, null, at.toEpochMilli(), utf8(key), utf8(value)));
  }

  /** Polls the committed records of a topic until {@code done} holds for them (90 s at most). */
  private static List<ConsumerRecord<byte[], byte[]>> await(
      String topic, Predicate<List<ConsumerRecord<byte[], byte[]>>> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    List<ConsumerRecord<byte[], byte[]>> records =
        KafkaReader.readCommitted(kafka.bootstrapServers(), topic);
    while (!done.test(records) && System.nanoTime() < deadline) {
      Thread.sleep(500);
      records = KafkaReader.readCommitted(kafka.bootstrapServers(), topic);
    }
    return records;
  }

  private static List<TrainingPair> pairs(List<ConsumerRecord<byte[], byte[]>> records) {
    EventCodecs codecs = EventCodecs.create(TextLimits.DEFAULTS);
    return records.stream().map(r -> codecs.trainingPairs().decode(r.value())).toList();
  }

  /** Ready, and RUNNING: what the app's own health endpoint says. */
  private static void assertUpAndReady(FeedbackStreamsApp app) throws Exception {
    assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
    HttpResponse<String> ready =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://localhost:" + app.metricsPort() + "/health/ready"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
  }

  @Test
  void valuesOverTheJsonLimitsAreDeadLetteredAsUnparseableAndTheAppGoesOn() throws Exception {
    FeedbackStreamsConfig config = config("json-limits");
    var topics = config.topics();
    try (FeedbackStreamsApp app =
            FeedbackStreamsApp.start(kafka.bootstrapServers(), config, Duration.ofMinutes(2));
        KafkaProducer<byte[], byte[]> producer = producer()) {
      send(producer, topics.documents(), "d1", document("d1"), T0);
      send(producer, topics.documents(), "d2", document("d2"), T0);
      // the two records, and a string over max-json-string-chars (1,048,576 chars by
      // default)
      Map<String, String> bad =
          Map.of(
              "deep", search("deep", T0, "\"x\":" + "[".repeat(1001) + "]".repeat(1001)),
              "long-number", search("long-number", T0, "\"x\":" + "9".repeat(1001)),
              "long-string", search("long-string", T0, "\"x\":\"" + "s".repeat(1_048_577) + "\""));
      bad.forEach((id, json) -> send(producer, topics.searchEvents(), id, json, T0));
      send(
          producer,
          topics.searchEvents(),
          "good",
          search("good", T0.plusSeconds(1), null),
          T0.plusSeconds(1));
      send(
          producer,
          topics.interactions(),
          "good",
          click("c-good", "good", "d2", 30_000, T0.plusSeconds(2)),
          T0.plusSeconds(2));
      send(
          producer,
          topics.searchEvents(),
          "tick",
          search("tick", T0.plusSeconds(60), null),
          T0.plusSeconds(60));
      producer.flush();

      List<TrainingPair> pairs = pairs(await(topics.trainingPairs(), r -> !r.isEmpty()));
      assertThat(pairs)
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.impressionId()).isEqualTo("good");
                assertThat(p.positiveDocId()).isEqualTo("d2");
              });
      List<ConsumerRecord<byte[], byte[]>> letters =
          await(topics.deadLetters(), r -> r.size() >= 3);
      assertThat(letters).hasSize(3);
      Map<String, String> messages = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> r : letters) {
        DeadLetter letter = DeadLetter.fromHeaders(r.headers());
        String key = new String(r.key(), StandardCharsets.UTF_8);
        assertThat(letter.reason()).as(key).isEqualTo(DeadLetterReason.UNPARSEABLE_JSON);
        assertThat(r.value()).as("original bytes of %s", key).isEqualTo(utf8(bad.get(key)));
        messages.put(key, letter.message());
      }
      assertThat(messages.get("deep"))
          .startsWith("search_event: the JSON nests more than 64 levels deep (max-json-depth)");
      assertThat(messages.get("long-number"))
          .startsWith(
              "search_event: a number of 1001 characters is over max-json-number-chars (100)");
      assertThat(messages.get("long-string"))
          .startsWith(
              "search_event: a string is longer than max-json-string-chars (1048576 chars)");
      // state: the refused records never reached it; only the good impression and the tick were
      // ever written
      List<String> stateKeys =
          KafkaReader.readCommitted(
                  kafka.bootstrapServers(),
                  config.runtime().applicationId() + "-impressions-changelog")
              .stream()
              .map(r -> new String(r.key(), StandardCharsets.UTF_8))
              .distinct()
              .toList();
      assertThat(stateKeys).containsOnly("good", "tick");
      assertUpAndReady(app);
    }
  }

  @Test
  void anImpressionFloodedWith20000InteractionsKeepsItsCapAndTheAppGoesOn() throws Exception {
    FeedbackStreamsConfig config = config("flood");
    var topics = config.topics();
    int flood = 20_000;
    int cap = config.impressionLimits().maxInteractions();
    try (FeedbackStreamsApp app =
            FeedbackStreamsApp.start(kafka.bootstrapServers(), config, Duration.ofMinutes(2));
        KafkaProducer<byte[], byte[]> producer = producer()) {
      send(producer, topics.documents(), "d1", document("d1"), T0);
      send(producer, topics.documents(), "d2", document("d2"), T0);
      send(producer, topics.searchEvents(), "flood", search("flood", T0, null), T0);
      for (int i = 0; i < flood; i++) {
        // the first is a long click on d2 (a positive), then short clicks on d1: all inside the
        // window
        Instant at = T0.plusMillis(1 + i % 20_000);
        send(
            producer,
            topics.interactions(),
            "flood",
            click("f-" + i, "flood", i == 0 ? "d2" : "d1", i == 0 ? 30_000 : 1_000, at),
            at);
      }
      Instant later = T0.plusSeconds(25);
      send(producer, topics.searchEvents(), "good", search("good", later, null), later);
      send(
          producer,
          topics.interactions(),
          "good",
          click("c-good", "good", "d1", 30_000, later),
          later);
      send(
          producer,
          topics.searchEvents(),
          "tick",
          search("tick", T0.plusSeconds(120), null),
          T0.plusSeconds(120));
      producer.flush();

      List<ConsumerRecord<byte[], byte[]>> letters =
          await(topics.deadLetters(), r -> r.size() >= flood - cap);
      assertThat(letters).hasSize(flood - cap);
      assertThat(letters)
          .allSatisfy(
              r -> {
                DeadLetter letter = DeadLetter.fromHeaders(r.headers());
                assertThat(letter.reason()).isEqualTo(DeadLetterReason.IMPRESSION_FULL);
                assertThat(letter.message())
                    .contains("impression flood already holds 1000 interactions");
              });
      List<TrainingPair> pairs = pairs(await(topics.trainingPairs(), r -> r.size() >= 2));
      assertThat(pairs)
          .extracting(p -> p.impressionId() + "/" + p.positiveDocId())
          .containsExactlyInAnyOrder("flood/d2", "good/d1");

      // The state the flood built: the interactions changelog holds what the impression kept, at
      // most
      // max-impression-bytes (each interaction written once, then deleted at the close), and the
      // impression's own
      // state was written with its search event only, a few hundred bytes, never with its
      // interactions.
      String app0 = config.runtime().applicationId();
      byte[] prefix = ImpressionInteractions.prefix("flood").get();
      List<ConsumerRecord<byte[], byte[]>> kept =
          KafkaReader.readCommitted(
                  kafka.bootstrapServers(), app0 + "-impression-interactions-changelog")
              .stream()
              .filter(
                  r ->
                      r.value() != null
                          && Arrays.equals(r.key(), 0, prefix.length, prefix, 0, prefix.length))
              .toList();
      assertThat(kept).hasSize(cap);
      long keptBytes = kept.stream().mapToLong(r -> r.key().length + r.value().length).sum();
      assertThat(keptBytes).isLessThanOrEqualTo(config.impressionLimits().maxBytes());
      List<ConsumerRecord<byte[], byte[]>> impressionState =
          KafkaReader.readCommitted(kafka.bootstrapServers(), app0 + "-impressions-changelog")
              .stream()
              .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals("flood"))
              .toList();
      assertThat(impressionState)
          .isNotEmpty()
          .allSatisfy(r -> assertThat(r.value() == null ? 0 : r.value().length).isLessThan(2_048));
      System.out.printf(
          "flood: %d interactions kept, %d bytes in the interactions changelog; %d refused%n",
          kept.size(), keptBytes, letters.size());
      assertUpAndReady(app);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
