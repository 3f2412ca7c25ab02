package io.lorastream.trainer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.kafka.KafkaCluster;
import io.lorastream.kafka.TestKafka;
import io.lorastream.schemas.Document;
import io.lorastream.schemas.EventCodec;
import io.lorastream.schemas.EventCodecs;
import io.lorastream.schemas.SchemaVersion;
import io.lorastream.schemas.TextLimits;
import io.lorastream.trainer.gate.DocumentFollower;
import io.lorastream.trainer.gate.KnownCorpus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * The trainer learns every document of the documents topic, for each max length in use, and skips
 * junk.
 */
class DocumentFollowerIT {

  @Test
  void everyDocumentOfTheTopicBecomesKnownToEachCorpusAndJunkIsSkipped() throws Exception {
    try (KafkaCluster kafka = TestKafka.start()) {
      String topic = "follow.documents";
      try (Admin admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
      }
      EventCodec<Document> codec = EventCodecs.create(TextLimits.DEFAULTS).documents();
      Instant t = Instant.parse("2025-01-01T00:00:00Z");
      Document a =
          new Document(SchemaVersion.CURRENT, "e1", "acme", t, "d1", "Aspirin", "lowers fever", t);
      Document b =
          new Document(SchemaVersion.CURRENT, "e2", "acme", t, "d2", "", "an untitled body", t);
      KafkaTopics.send(
          kafka.bootstrapServers(),
          new ProducerRecord<>(topic, 0, "d1", codec.encode(a)),
          new ProducerRecord<>(topic, 1, "junk", "{not a document".getBytes(UTF_8)),
          new ProducerRecord<>(topic, 1, "d2", codec.encode(b)),
          new ProducerRecord<>(topic, 0, "gone", null));
      KnownCorpus at128 = new KnownCorpus(10);
      KnownCorpus at256 = new KnownCorpus(10);
      at256.put(
          "d1",
          new float[] {
            1, 0
          }); // already known with its vector (primed from an index): stays as it is
      TrainerSettings s =
          TrainerConfigFiles.fromMap(
              Map.of("bootstrap", kafka.bootstrapServers(), "instance-id", "follow-test"));
      try (DocumentFollower follower =
          new DocumentFollower(KafkaProps.documentReader(s), topic, List.of(at128, at256))) {
        follower.start();
        ContinualTrainerIT.await(
            "two documents read", Duration.ofMinutes(1), () -> follower.read() == 2);
        assertThat(follower.refused()).isEqualTo(1);
      }
      assertThat(at128.pendingCount()).isEqualTo(2);
      assertThat(at256.pendingCount()).isEqualTo(1);
      assertThat(at256.size()).isEqualTo(1);
    }
  }
}
