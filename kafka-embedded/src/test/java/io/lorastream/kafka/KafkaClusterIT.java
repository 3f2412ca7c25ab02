package io.lorastream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the services rely on, against the broker every test gets from {@link TestKafka}. */
class KafkaClusterIT {

  private static KafkaCluster kafka;

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
  void tenThousandRecordsAllArriveInOrderWithinEachPartition() throws Exception {
    String topic = "ten-thousand";
    int partitions = 3;
    int count = 10_000;
    Clients.createTopic(kafka.bootstrapServers(), topic, partitions);
    try (KafkaProducer<String, String> producer =
        Clients.producer(kafka.bootstrapServers(), Map.of())) {
      List<Future<?>> sent = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        sent.add(
            producer.send(new ProducerRecord<>(topic, "key-" + (i % 97), Integer.toString(i))));
      }
      producer.flush();
      for (Future<?> f : sent) {
        f.get(); // a record the broker did not take fails here, with the producer's reason
      }
    }

    List<ConsumerRecord<String, String>> records =
        Clients.readAll(kafka.bootstrapServers(), topic, "read_uncommitted", Map.of());

    assertThat(records).hasSize(count);
    assertThat(records.stream().map(r -> Integer.parseInt(r.value())).sorted())
        .containsExactlyElementsOf(IntStream.range(0, count).boxed().toList());
    // One producer sent values in increasing order, so within a partition they must stay
    // increasing,
    // at consecutive offsets from 0.
    Map<Integer, List<ConsumerRecord<String, String>>> byPartition = new HashMap<>();
    records.forEach(r -> byPartition.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r));
    assertThat(byPartition).hasSize(partitions);
    byPartition.forEach(
        (partition, list) -> {
          for (int i = 0; i < list.size(); i++) {
            assertThat(list.get(i).offset()).as("offset in partition %d", partition).isEqualTo(i);
            if (i > 0) {
              assertThat(Integer.parseInt(list.get(i).value()))
                  .as("value order in partition %d", partition)
                  .isGreaterThan(Integer.parseInt(list.get(i - 1).value()));
            }
          }
        });
  }

  @Test
  void readCommittedConsumerSeesExactlyTheCommittedTransactions() throws Exception {
    String topic = "transactions";
    Clients.createTopic(kafka.bootstrapServers(), topic, 2);
    Map<String, Object> tx = Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-test");
    try (KafkaProducer<String, String> producer = Clients.producer(kafka.bootstrapServers(), tx)) {
      producer.initTransactions();
      sendInTransaction(producer, topic, "committed-a", 50);
      producer.commitTransaction();
      sendInTransaction(producer, topic, "aborted", 50);
      producer.flush();
      producer.abortTransaction();
      // A commit after the abort: read_committed must read past the aborted records to reach it.
      sendInTransaction(producer, topic, "committed-b", 50);
      producer.commitTransaction();
    }

    List<String> committed =
        values(Clients.readAll(kafka.bootstrapServers(), topic, "read_committed", Map.of()));
    List<String> everything =
        values(Clients.readAll(kafka.bootstrapServers(), topic, "read_uncommitted", Map.of()));

    List<String> expected = new ArrayList<>(names("committed-a", 50));
    expected.addAll(names("committed-b", 50));
    assertThat(committed).containsExactlyInAnyOrderElementsOf(expected);
    // The aborted records did reach the log; only the isolation level hides them.
    assertThat(everything).containsAll(names("aborted", 50)).hasSize(150);
  }

  @Test
  void aRecordOfTenMegabytesGoesThroughUnchanged() throws Exception {
    String topic = "large-records";
    Clients.createTopic(kafka.bootstrapServers(), topic, 1);
    char[] payload = new char[10 * 1024 * 1024];
    Arrays.fill(payload, 'x');
    payload[payload.length - 1] = 'y';
    String value = new String(payload);
    Map<String, Object> large = Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024);
    try (KafkaProducer<String, String> producer =
        Clients.producer(kafka.bootstrapServers(), large)) {
      producer.send(new ProducerRecord<>(topic, "adapter", value)).get();
    }

    List<ConsumerRecord<String, String>> records =
        Clients.readAll(
            kafka.bootstrapServers(),
            topic,
            "read_committed",
            Map.of(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024));

    assertThat(records).hasSize(1);
    assertThat(records.get(0).value()).isEqualTo(value);
  }

  @Test
  void anExactlyOnceV2StreamsAppWithAStateStoreRunsOnIt(@TempDir Path stateDir) throws Exception {
    Clients.createTopic(kafka.bootstrapServers(), "words", 2);
    Clients.createTopic(kafka.bootstrapServers(), "word-counts", 2);
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("words", Consumed.with(Serdes.String(), Serdes.String()))
        .groupBy((key, word) -> word, Grouped.with(Serdes.String(), Serdes.String()))
        .count()
        .toStream()
        .mapValues(Object::toString)
        .to("word-counts", Produced.with(Serdes.String(), Serdes.String()));
    Map<String, Object> props = new HashMap<>();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "eos-check");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);

    try (KafkaProducer<String, String> producer =
        Clients.producer(kafka.bootstrapServers(), Map.of())) {
      for (int i = 0; i < 300; i++) {
        producer.send(
            new ProducerRecord<>("words", "k" + i, List.of("lora", "kafka", "bert").get(i % 3)));
      }
    }
    try (KafkaStreams streams = new KafkaStreams(builder.build(), new StreamsConfig(props))) {
      streams.start();
      // Counts only become visible to read_committed readers once Streams commits its transaction.
      Map<String, String> latest = new TreeMap<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!latest.equals(Map.of("bert", "100", "kafka", "100", "lora", "100"))
          && streams.state() != KafkaStreams.State.ERROR
          && streams.state() != KafkaStreams.State.PENDING_ERROR
          && System.nanoTime() < deadline) {
        Thread.sleep(200);
        latest.clear();
        Clients.readAll(kafka.bootstrapServers(), "word-counts", "read_committed", Map.of())
            .forEach(r -> latest.put(r.key(), r.value()));
      }
      assertThat(latest).isEqualTo(Map.of("bert", "100", "kafka", "100", "lora", "100"));
      assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
    }
  }

  private static void sendInTransaction(
      KafkaProducer<String, String> producer, String topic, String prefix, int n) {
    producer.beginTransaction();
    for (String value : names(prefix, n)) {
      producer.send(new ProducerRecord<>(topic, value, value));
    }
  }

  private static List<String> names(String prefix, int n) {
    return IntStream.range(0, n).mapToObj(i -> prefix + "-" + i).toList();
  }

  private static List<String> values(List<ConsumerRecord<String, String>> records) {
    return records.stream().map(ConsumerRecord::value).toList();
  }
}
