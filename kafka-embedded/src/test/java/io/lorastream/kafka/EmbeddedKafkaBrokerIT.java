package io.lorastream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-process broker's own life cycle: storage, restart, ports, clean-up. */
class EmbeddedKafkaBrokerIT {

  @TempDir Path tmp;

  @Test
  void restartOnTheSameDataDirKeepsCommittedRecordsAndServesAgain() throws Exception {
    Path dataDir = tmp.resolve("kafka-data");
    EmbeddedKafkaConfig config = EmbeddedKafkaConfig.defaults().withDataDir(dataDir);
    String clusterId;
    try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.start(config)) {
      clusterId = first.clusterId();
      Clients.createTopic(first.bootstrapServers(), "kept", 2);
      Map<String, Object> tx = Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "restart-test");
      try (KafkaProducer<String, String> producer =
          Clients.producer(first.bootstrapServers(), tx)) {
        producer.initTransactions();
        producer.beginTransaction();
        for (String v : names("before", 100)) {
          producer.send(new ProducerRecord<>("kept", v, v));
        }
        producer.commitTransaction();
      }
    }
    assertThat(dataDir.resolve("meta.properties")).as("a caller's data dir is kept").exists();

    try (EmbeddedKafkaBroker second = EmbeddedKafkaBroker.start(config)) {
      assertThat(second.clusterId()).isEqualTo(clusterId);
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", second.bootstrapServers()))) {
        assertThat(admin.describeCluster().clusterId().get()).isEqualTo(clusterId);
        assertThat(admin.listTopics().names().get()).contains("kept");
      }
      // The restarted broker also takes new writes, from the same transactional id.
      Map<String, Object> tx = Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "restart-test");
      try (KafkaProducer<String, String> producer =
          Clients.producer(second.bootstrapServers(), tx)) {
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("kept", "after", "after"));
        producer.commitTransaction();
      }
      List<String> values =
          Clients.readAll(second.bootstrapServers(), "kept", "read_committed", Map.of()).stream()
              .map(ConsumerRecord::value)
              .toList();
      assertThat(values).containsAll(names("before", 100)).contains("after").hasSize(101);
    }
  }

  @Test
  void closeDeletesTheDataDirItCreatedAndIsIdempotent() throws Exception {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
    Path dataDir = broker.dataDir();
    assertThat(dataDir.resolve("meta.properties")).exists();
    assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + broker.port());

    broker.close();
    broker.close();

    assertThat(dataDir).doesNotExist();
  }

  @Test
  void servesOnTheGivenPortAndRefusesItWhenTaken() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.start(EmbeddedKafkaConfig.defaults().withPort(port))) {
      assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + port);

      assertThatThrownBy(
              () -> EmbeddedKafkaBroker.start(EmbeddedKafkaConfig.defaults().withPort(port)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Port " + port)
          .hasMessageContaining("in use");
    }
  }

  @Test
  void refusesADataDirHoldingOtherFiles() throws Exception {
    Path notKafka = Files.createDirectories(tmp.resolve("documents"));
    Files.writeString(notKafka.resolve("thesis.txt"), "precious");

    assertThatThrownBy(
            () -> EmbeddedKafkaBroker.start(EmbeddedKafkaConfig.defaults().withDataDir(notKafka)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(notKafka.toString())
        .hasMessageContaining("not empty");
    assertThat(notKafka.resolve("thesis.txt")).hasContent("precious");
  }

  private static List<String> names(String prefix, int n) {
    return IntStream.range(0, n).mapToObj(i -> prefix + "-" + i).toList();
  }
}
