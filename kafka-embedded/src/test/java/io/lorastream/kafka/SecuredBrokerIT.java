package io.lorastream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker with SASL/SCRAM and the StandardAuthorizer: who logs in, and what ACLs let
 * them do.
 */
class SecuredBrokerIT {

  @TempDir static Path tmp;
  static EmbeddedKafkaBroker kafka;
  static BrokerSecurity security;

  @BeforeAll
  static void start() throws Exception {
    security = BrokerSecurity.scram(Map.of("alice", "alice-secret", "mallory", "mallory-secret"));
    kafka = EmbeddedKafkaBroker.start(EmbeddedKafkaConfig.defaults().withSecurity(security));
    try (Admin admin = Admin.create(clientProps(security.adminClientProperties()))) {
      admin
          .createTopics(
              List.of(new org.apache.kafka.clients.admin.NewTopic("granted", 1, (short) 1)))
          .all()
          .get();
      admin
          .createAcls(
              List.of(
                  allow("alice", ResourceType.TOPIC, "granted", AclOperation.WRITE),
                  allow("alice", ResourceType.TOPIC, "granted", AclOperation.READ)))
          .all()
          .get();
    }
  }

  @AfterAll
  static void stop() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void aUserWithTheGrantWritesAndReadsAndTheRecordsArrive() throws Exception {
    try (KafkaProducer<String, String> producer =
        Clients.producer(kafka.bootstrapServers(), security.clientProperties("alice"))) {
      producer.send(new ProducerRecord<>("granted", "k", "from alice")).get();
    }

    List<ConsumerRecord<String, String>> read =
        Clients.readAll(
            kafka.bootstrapServers(),
            "granted",
            "read_committed",
            security.clientProperties("alice"));
    assertThat(read).extracting(ConsumerRecord::value).contains("from alice");
  }

  @Test
  void aUserWithoutTheGrantIsRefusedAndNothingItSentLands() throws Exception {
    try (KafkaProducer<String, String> producer =
        Clients.producer(
            kafka.bootstrapServers(), withBlockLimit(security.clientProperties("mallory")))) {
      assertThatThrownBy(
              () -> producer.send(new ProducerRecord<>("granted", "k", "from mallory")).get())
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(TopicAuthorizationException.class);
    }

    List<ConsumerRecord<String, String>> read =
        Clients.readAll(
            kafka.bootstrapServers(),
            "granted",
            "read_committed",
            security.adminClientProperties());
    assertThat(read).extracting(ConsumerRecord::value).doesNotContain("from mallory");
  }

  @Test
  void aWrongPasswordAndPlaintextAreRefused() {
    Map<String, Object> wrong = BrokerSecurity.scramClientProperties("alice", "not-her-password");
    try (KafkaProducer<String, String> producer =
        Clients.producer(kafka.bootstrapServers(), withBlockLimit(wrong))) {
      assertThatThrownBy(() -> producer.send(new ProducerRecord<>("granted", "k", "v")).get())
          .hasRootCauseInstanceOf(SaslAuthenticationException.class);
    }
    Map<String, Object> plaintext = withBlockLimit(Map.of());
    try (KafkaProducer<String, String> producer =
        Clients.producer(kafka.bootstrapServers(), plaintext)) {
      assertThatThrownBy(() -> producer.send(new ProducerRecord<>("granted", "k", "v")).get())
          .isInstanceOf(Exception.class);
    }
  }

  @Test
  void aClientReadsItsPasswordFromAFileThroughKafkasDirectoryConfigProvider() throws Exception {
    Path secrets = Files.createDirectories(tmp.resolve("secrets"));
    Files.writeString(secrets.resolve("kafka-password"), "alice-secret");
    Map<String, Object> props = new HashMap<>();
    props.put("security.protocol", "SASL_PLAINTEXT");
    props.put("sasl.mechanism", "SCRAM-SHA-512");
    props.put("config.providers", "dir");
    props.put(
        "config.providers.dir.class",
        "org.apache.kafka.common.config.provider.DirectoryConfigProvider");
    props.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"alice\" password=\"${dir:"
            + secrets
            + ":kafka-password}\";");
    try (KafkaProducer<String, String> producer =
        Clients.producer(kafka.bootstrapServers(), props)) {
      producer.send(new ProducerRecord<>("granted", "k", "via file")).get();
    }
    assertThat(
            Clients.readAll(
                kafka.bootstrapServers(),
                "granted",
                "read_committed",
                security.adminClientProperties()))
        .extracting(ConsumerRecord::value)
        .contains("via file");
  }

  private static AclBinding allow(String user, ResourceType type, String name, AclOperation op) {
    return new AclBinding(
        new ResourcePattern(type, name, PatternType.LITERAL),
        new AccessControlEntry("User:" + user, "*", op, AclPermissionType.ALLOW));
  }

  private static Map<String, Object> clientProps(Map<String, Object> security) {
    Map<String, Object> p = new HashMap<>(security);
    p.put("bootstrap.servers", kafka.bootstrapServers());
    return p;
  }

  /** A refused producer fails its send within seconds instead of the default minute. */
  private static Map<String, Object> withBlockLimit(Map<String, Object> security) {
    Map<String, Object> p = new HashMap<>(security);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    return p;
  }
}
