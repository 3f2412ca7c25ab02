package io.lorastream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.kafka.KafkaCluster;
import io.lorastream.kafka.TestKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream thread that fails at every start of its task: the app replaces it {@code
 * max-thread-replacements} times, then stops and exits with status 1 instead of looping (or
 * hanging) for good. The failure is real: the impressions store's changelog holds a state in a
 * format this version cannot read (as after a downgrade), so the processor's init throws each time
 * the task is assigned.
 */
class StreamThreadFailureIT {
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
  void aThreadThatKeepsFailingTheSameWayStopsTheAppWithStatusOneAfterItsReplacements()
      throws Exception {
    String appId = "lorastream-failing";
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    try (Admin admin = Admin.create(p)) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(appId + "-impressions-changelog", 1, (short) 1)
                      .configs(
                          Map.of(
                              TopicConfig.CLEANUP_POLICY_CONFIG,
                              TopicConfig.CLEANUP_POLICY_COMPACT))))
          .all()
          .get();
    }
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      // format byte 9: "impression state format 9 is not readable by this version"
      producer
          .send(
              new ProducerRecord<>(
                  appId + "-impressions-changelog",
                  "imp-x".getBytes(StandardCharsets.UTF_8),
                  new byte[] {9, 0, 0}))
          .get();
    }
    Path config = dir.resolve("streams.yaml");
    Files.writeString(
        config,
        """
        topic-prefix: failing.
        application-id: lorastream-failing
        partitions: 1
        metrics-port: 0
        max-thread-replacements: 1
        thread-replacement-window: 10m
        thread-recovery-timeout: 20s
        kafka:
          session.timeout.ms: 6000
        """);
    Path log = dir.resolve("child.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                FeedbackStreamsMain.class.getName(),
                "--bootstrap",
                kafka.bootstrapServers(),
                "--config",
                config.toString(),
                "--state-dir",
                dir.resolve("state").toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    TreeSet<Integer> readyStatuses = new TreeSet<>();
    try {
      // /health/ready while it fails: never 200 (the app logs its port before it starts Kafka
      // Streams)
      Pattern port = Pattern.compile("/health/ready on :(\\d+)");
      HttpClient http = HttpClient.newHttpClient();
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (child.isAlive() && System.nanoTime() < deadline) {
        Matcher m = port.matcher(Files.readString(log));
        if (m.find()) {
          String n = m.group(1);
          try {
            HttpResponse<String> r =
                http.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + n + "/health/ready"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
            readyStatuses.add(r.statusCode());
          } catch (java.io.IOException closed) {
            // the app is stopping
          }
        }
        Thread.sleep(200);
      }
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the app exits on its own").isTrue();
      String out = Files.readString(log);
      assertThat(child.exitValue()).as(out).isEqualTo(1);
      assertThat(out).contains("impression state format 9 is not readable");
      assertThat(countOf(out, "a stream thread died; replacing it")).as(out).isEqualTo(1);
      // Kafka Streams 4.1 leaves the task directory locked by the thread that died in the task's
      // init, so the
      // replacement waits for the lock and never fails again: the recovery timeout ends that. (Were
      // the lock
      // released, the replacement would fail the same way, past max-thread-replacements.)
      assertThat(out).contains("lorastream streams: ");
      assertThat(out)
          .containsAnyOf(
              "a replaced stream thread did not bring the app back to RUNNING within PT20S (thread-recovery-timeout)",
              "a stream thread failed the same way 2 times within PT10M (max-thread-replacements 1");
      assertThat(readyStatuses).doesNotContain(200);
    } finally {
      child.destroyForcibly();
    }
  }

  private static int countOf(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
