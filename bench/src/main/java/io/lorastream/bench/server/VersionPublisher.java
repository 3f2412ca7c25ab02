package io.lorastream.bench.server;

import io.lorastream.model.adapter.AdaptationMode;
import io.lorastream.model.adapter.AdapterKey;
import io.lorastream.model.adapter.AdapterSigner;
import io.lorastream.model.weights.BaseModel;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes a new signed version of one adapter now and then, remembering each record's timestamp.
 */
final class VersionPublisher implements AutoCloseable {

  private final KafkaProducer<String, byte[]> producer;
  private final String topic;
  private final int partitions;
  private final String adapter;
  private final BaseModel base;
  private final AdapterSigner signer;
  private final PrintStream log;
  private final AtomicInteger version = new AtomicInteger();
  private final Map<Integer, Long> publishedAtMillis = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "bench-publisher");
            t.setDaemon(true);
            return t;
          });
  private ScheduledFuture<?> schedule;
  private final java.util.Set<Integer> unobserved = ConcurrentHashMap.newKeySet();

  VersionPublisher(
      String bootstrap,
      String topic,
      int partitions,
      String adapter,
      BaseModel base,
      AdapterSigner signer,
      PrintStream log) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(16 * 1024 * 1024));
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    this.producer = new KafkaProducer<>(p);
    this.topic = topic;
    this.partitions = partitions;
    this.adapter = adapter;
    this.base = base;
    this.signer = signer;
    this.log = log;
  }

  /** Publishes the next version now and waits for the broker's acknowledgement. */
  int publishNext() throws Exception {
    int v = version.incrementAndGet();
    byte[] value =
        BenchAdapters.record(
            adapter,
            v,
            BenchAdapters.randomWeights(base.config(), v),
            base.id(),
            base.config(),
            AdaptationMode.QUERY,
            signer);
    AdapterKey key = new AdapterKey(adapter, v);
    long ts =
        producer
            .send(new ProducerRecord<>(topic, key.partition(partitions), key.toString(), value))
            .get()
            .timestamp();
    publishedAtMillis.put(v, ts);
    return v;
  }

  /** Publishes a version every {@code period} until {@link #stop}. */
  synchronized void start(Duration period) {
    schedule =
        timer.scheduleAtFixedRate(
            () -> {
              try {
                publishNext();
              } catch (Exception e) {
                log.println("bench server: publishing a version failed: " + e);
              }
            },
            period.toMillis(),
            period.toMillis(),
            TimeUnit.MILLISECONDS);
  }

  synchronized void stop() {
    if (schedule != null) {
      schedule.cancel(false);
      schedule = null;
      try {
        timer
            .submit(() -> {})
            .get(); // the single timer thread has finished a publication in progress
      } catch (Exception e) {
        log.println("bench server: stopping the publisher: " + e);
      }
    }
  }

  /**
   * Ends a load phase: stops publishing, and sets aside the versions no response has shown yet
   * (published after the phase's last request): their first sighting would come only with the next
   * phase, so it would measure the pause between phases, not a swap.
   */
  synchronized void endPhase(Map<Integer, Long> firstSeenMillis) {
    stop();
    for (int v = 2; v <= version.get(); v++) {
      if (!firstSeenMillis.containsKey(v)) {
        unobserved.add(v);
      }
    }
  }

  /** Versions published too late in a phase for any response to show them. */
  int unobserved() {
    return unobserved.size();
  }

  /** Versions published after the first. */
  int swapsPublished() {
    return Math.max(0, version.get() - 1);
  }

  /**
   * Seconds from publication to first sighting, for every version after the first that was seen.
   */
  List<Double> swapSeconds(Map<Integer, Long> firstSeenMillis) {
    List<Double> out = new ArrayList<>();
    for (int v = 2; v <= version.get(); v++) {
      Long seen = firstSeenMillis.get(v);
      Long pub = publishedAtMillis.get(v);
      if (seen != null && pub != null && !unobserved.contains(v)) {
        out.add((seen - pub) / 1000.0);
      }
    }
    return out;
  }

  @Override
  public void close() {
    stop();
    timer.shutdownNow();
    producer.close();
  }
}
