package io.lorastream.bench.streams;

import io.lorastream.schemas.TopicAdmin;
import io.lorastream.schemas.TopicSpec;
import io.lorastream.streams.FeedbackStreamsApp;
import io.lorastream.streams.config.FeedbackStreamsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The streams floor: Kafka Streams itself, under the app's settings (exactly-once v2, its stream
 * threads, commit interval and producer sizes), reading the input records and writing the records
 * the app wrote (pairs and changelog records, held in memory), with no work in between: no
 * decoding, no state, no joins. What the Kafka Streams runtime and this broker cost before the
 * topology does anything, so the ratio no topology on this runtime can pass.
 *
 * <p>Each output record is handed to one input record (spread evenly over the inputs in topic,
 * partition and offset order), and forwarded when that input record is processed: the same reads
 * and the same writes as the app, in the same transactions' rhythm. The clock runs from RUNNING
 * until the committed offsets cover every input record, as for the app, but here the stream threads
 * are paused until then.
 */
final class StreamsFloor {
  private StreamsFloor() {}

  /**
   * One pass with its own application id and output topic; returns the seconds from RUNNING until
   * every input record is committed, and the CPU-seconds this JVM used meanwhile.
   *
   * @param sources the topics holding the input records (written by a non-transactional producer:
   *     contiguous offsets), grouped as the app's sub-topologies read them: topics in one group
   *     share tasks, so a task waits (max task idle) for each of its partitions as the app's tasks
   *     do
   * @param outputs the records the app wrote; each goes to a fresh topic of {@code partitions}
   *     partitions
   */
  static Timing pass(
      String bootstrap,
      FeedbackStreamsConfig appConfig,
      String run,
      List<List<String>> sources,
      List<ProducerRecord<byte[], byte[]>> outputs,
      int partitions)
      throws Exception {
    List<String> inputs = sources.stream().flatMap(List::stream).toList();
    String applicationId = "lorastream-bench-streams-floor-" + run;
    String outputTopic = "bench-streams-floor-" + run + ".outputs";
    TopicAdmin.ensure(
        bootstrap,
        List.of(
            new TopicSpec(
                outputTopic,
                partitions,
                (short) 1,
                Map.of(
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                    Integer.toString(TopicAdmin.EVENT_MAX_MESSAGE_BYTES)))),
        Duration.ofSeconds(30));
    InputIndex index = InputIndex.read(bootstrap, inputs);
    List<List<ProducerRecord<byte[], byte[]>>> byInput = index.spread(outputs);
    AtomicLong forwarded = new AtomicLong();

    StreamsBuilder builder = new StreamsBuilder();
    for (List<String> source : sources) {
      builder.stream(source, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
          .process(() -> new Forward(index, byInput, forwarded))
          .to(outputTopic, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
    }
    Path stateDir = Files.createTempDirectory("lorastream-bench-streams-floor");
    Properties p = FeedbackStreamsApp.streamsProperties(bootstrap, appConfig, null);
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    // no bad input here, and the app's dead-letter handlers need its publisher
    p.remove(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG);
    p.remove(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG);
    p.remove(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG);
    CountDownLatch running = new CountDownLatch(1);
    try (KafkaStreams streams = new KafkaStreams(builder.build(), p)) {
      streams.setStateListener(
          (now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
              running.countDown();
            }
          });
      // Paused until RUNNING: a thread whose tasks are assigned may otherwise process while the
      // other still joins,
      // before the clock starts (one pass did all its work so). Its tasks are stateless, so paused
      // they still start.
      streams.pause();
      streams.start();
      if (!running.await(2, TimeUnit.MINUTES)) {
        throw new IllegalStateException(
            "the streams floor did not reach RUNNING in 2 minutes: " + streams.state());
      }
      long cpu0 = StreamsBenchmark.cpuNanos();
      TimeBreakdown before = TimeBreakdown.snapshot(streams);
      long t0 = System.nanoTime();
      streams.resume();
      StreamsBenchmark.awaitEnd(bootstrap, applicationId, inputs, Duration.ofMinutes(10));
      double seconds = (System.nanoTime() - t0) / 1e9;
      Timing t =
          new Timing(
              seconds,
              (StreamsBenchmark.cpuNanos() - cpu0) / 1e9,
              TimeBreakdown.snapshot(streams).since(before, seconds, index.size()));
      streams.close(
          new KafkaStreams.CloseOptions().timeout(Duration.ofSeconds(30)).leaveGroup(true));
      if (forwarded.get() != outputs.size()) {
        throw new IllegalStateException(
            "the streams floor forwarded "
                + forwarded.get()
                + " of "
                + outputs.size()
                + " output records; were the input topics written transactionally (offsets with gaps)?");
      }
      return t;
    } finally {
      Utils.delete(stateDir.toFile());
    }
  }

  /**
   * @param seconds wall time, RUNNING to committed
   * @param cpuSeconds this JVM's CPU time meanwhile
   * @param breakdown where the stream threads' time went ({@link TimeBreakdown})
   */
  record Timing(double seconds, double cpuSeconds, String breakdown) {}

  /** Numbers the input records 0..n-1 in topic, partition and offset order. */
  record InputIndex(
      Map<TopicPartition, Integer> firstOf, Map<TopicPartition, Long> sizeOf, int size) {
    /**
     * @param ends each partition's end offset (its record count: offsets from 0, no gaps)
     */
    static InputIndex of(Map<TopicPartition, Long> ends) {
      List<TopicPartition> ordered = new ArrayList<>(ends.keySet());
      ordered.sort(
          Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
      Map<TopicPartition, Integer> first = new HashMap<>();
      int n = 0;
      for (TopicPartition tp : ordered) {
        first.put(tp, n);
        n = Math.toIntExact(n + ends.get(tp));
      }
      return new InputIndex(Map.copyOf(first), Map.copyOf(ends), n);
    }

    /** The index of {@code topics} as they are now on the broker. */
    static InputIndex read(String bootstrap, List<String> topics) throws Exception {
      return of(StreamsBenchmark.endOffsets(bootstrap, topics));
    }

    /** The input record's number, or -1 if it was not there when the index was read. */
    int numberOf(String topic, int partition, long offset) {
      TopicPartition tp = new TopicPartition(topic, partition);
      Integer first = firstOf.get(tp);
      return first == null || offset >= sizeOf.get(tp) ? -1 : first + (int) offset;
    }

    /**
     * Output j goes to input record {@code j * size / outputs}: spread evenly, in order, each once.
     */
    <T> List<List<T>> spread(List<T> outputs) {
      List<List<T>> byInput = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        byInput.add(new ArrayList<>(2));
      }
      for (int j = 0; j < outputs.size(); j++) {
        byInput.get((int) ((long) j * size / outputs.size())).add(outputs.get(j));
      }
      return byInput;
    }
  }

  /**
   * Forwards the output records handed to each input record; reads nothing of the input but its
   * position.
   */
  private static final class Forward implements Processor<byte[], byte[], byte[], byte[]> {
    private final InputIndex index;
    private final List<List<ProducerRecord<byte[], byte[]>>> byInput;
    private final AtomicLong forwarded;
    private ProcessorContext<byte[], byte[]> context;

    Forward(
        InputIndex index,
        List<List<ProducerRecord<byte[], byte[]>>> byInput,
        AtomicLong forwarded) {
      this.index = index;
      this.byInput = byInput;
      this.forwarded = forwarded;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
      this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> input) {
      RecordMetadata at = context.recordMetadata().orElseThrow();
      int number = index.numberOf(at.topic(), at.partition(), at.offset());
      if (number < 0) {
        return;
      }
      for (ProducerRecord<byte[], byte[]> out : byInput.get(number)) {
        context.forward(new Record<>(out.key(), out.value(), out.timestamp()));
        forwarded.incrementAndGet();
      }
    }
  }
}
