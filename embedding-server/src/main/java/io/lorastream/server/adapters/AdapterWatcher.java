package io.lorastream.server.adapters;

import io.lorastream.model.adapter.AdapterKey;
import io.lorastream.model.adapter.AdapterVerification;
import io.lorastream.model.adapter.AdapterVerifier;
import io.lorastream.schemas.TopicAdmin;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the adapters and adapter-pins topics from the beginning with its own consumer (assigned partitions,
 * no consumer group: every replica reads everything and commits nothing). At start it reads the pins topic to
 * its end, then the adapters topic to the end offsets it had then (see {@link CatchUpBuffer}), and marks the
 * registry caught up; after that every record is handled as it arrives: verified, loaded and swapped in on
 * this thread, never on a request thread. A bad record is refused and counted; nothing stops the loop.
 */
public final class AdapterWatcher implements AutoCloseable {

  /** Adapter records carry weights: megabytes for large ranks (the topic allows this much per record). */
  static final int MAX_FETCH_BYTES = TopicAdmin.ARTIFACT_MAX_MESSAGE_BYTES;

  private static final Logger LOG = LoggerFactory.getLogger(AdapterWatcher.class);
  private static final Duration POLL = Duration.ofMillis(100);

  private final Properties props;
  private final String adaptersTopic;
  private final String pinsTopic;
  private final AdapterVerifier verifier;
  private final AdapterRegistry registry;
  private final Thread thread;
  private volatile KafkaConsumer<String, byte[]> consumer;
  private volatile boolean closed;

  /**
   * @param clientProperties bootstrap servers and any extra client properties
   * @param clientId this replica's consumer client id
   */
  public AdapterWatcher(
      Map<String, String> clientProperties, String clientId, String adaptersTopic, String pinsTopic,
      AdapterVerifier verifier, AdapterRegistry registry) {
    this.props = consumerProperties(clientProperties, clientId);
    this.adaptersTopic = adaptersTopic;
    this.pinsTopic = pinsTopic;
    this.verifier = verifier;
    this.registry = registry;
    this.thread = new Thread(this::run, "lorastream-adapter-watcher");
    this.thread.setDaemon(true);
  }

  static Properties consumerProperties(Map<String, String> clientProperties, String clientId) {
    Properties p = new Properties();
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // the trainer publishes in transactions: never serve a version from an aborted one
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(MAX_FETCH_BYTES));
    p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(MAX_FETCH_BYTES));
    // a new version should not wait half a second in the broker before it is fetched
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "32");
    p.putAll(clientProperties);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }

  public void start() {
    consumer = new KafkaConsumer<>(props);
    thread.start();
  }

  private void run() {
    KafkaConsumer<String, byte[]> c = consumer;
    try (c) {
      List<TopicPartition> pinParts = awaitPartitions(c, pinsTopic);
      c.assign(pinParts);
      c.seekToBeginning(pinParts);
      Map<TopicPartition, Long> pinEnds = c.endOffsets(pinParts);
      while (!closed && !reached(c, pinEnds)) {
        pollOnce(c, null);
      }
      Map<String, Integer> pinned = new HashMap<>();
      registry.catalog().pins().forEach((a, p) -> pinned.put(a, p.version()));
      LOG.info("read {} pin(s) from {}: {}", pinned.size(), pinsTopic, pinned);

      List<TopicPartition> adapterParts = awaitPartitions(c, adaptersTopic);
      Map<TopicPartition, Long> pinPositions = new HashMap<>();
      for (TopicPartition tp : pinParts) {
        pinPositions.put(tp, c.position(tp));
      }
      List<TopicPartition> all = new ArrayList<>(pinParts);
      all.addAll(adapterParts);
      c.assign(all);
      pinPositions.forEach(c::seek);
      c.seekToBeginning(adapterParts);
      Map<TopicPartition, Long> adapterEnds = c.endOffsets(adapterParts);
      long started = System.nanoTime();
      CatchUpBuffer buffer = new CatchUpBuffer(registry.settings().retainedVersions(), pinned);
      while (!closed && !reached(c, adapterEnds)) {
        pollOnce(c, buffer);
      }
      if (closed) {
        return;
      }
      buffer.drainInto(verifier, registry);
      registry.markCaughtUp();
      LOG.info("caught up with {} ({} records to end offsets {}) in {} ms; serving {}", adaptersTopic,
          buffer.records(), adapterEnds.values(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
          registry.catalog().adapters().keySet());
      while (!closed) {
        pollOnce(c, null);
      }
    } catch (WakeupException e) {
      if (!closed) {
        LOG.error("adapter watcher woken up unexpectedly; no new adapter versions will be loaded", e);
      }
    } catch (RuntimeException | Error e) {
      LOG.error("adapter watcher stopped: no new adapter versions will be loaded until restart", e);
    }
  }

  /** One poll; transient Kafka errors are logged and retried, never fatal. */
  private void pollOnce(KafkaConsumer<String, byte[]> c, CatchUpBuffer catchUp) {
    Iterable<ConsumerRecord<String, byte[]>> records;
    try {
      records = c.poll(POLL);
    } catch (WakeupException e) {
      throw e;
    } catch (KafkaException e) {
      LOG.warn("polling {} and {} failed ({}); retrying in 1 s", adaptersTopic, pinsTopic, e.toString());
      sleep(1000);
      return;
    }
    for (ConsumerRecord<String, byte[]> r : records) {
      try {
        if (r.topic().equals(pinsTopic)) {
          handlePin(r);
        } else if (catchUp != null) {
          catchUp.add(r.key(), r.value(), Instant.ofEpochMilli(r.timestamp()), verifier, registry);
        } else {
          handleAdapter(r);
        }
      } catch (RuntimeException e) {
        registry.refuse("malformed", String.valueOf(r.key()), "handling the record at " + r.topic() + "-"
            + r.partition() + "@" + r.offset() + " failed: " + e);
      }
    }
  }

  private void handleAdapter(ConsumerRecord<String, byte[]> r) {
    try {
      AdapterKey key = AdapterKey.parse(r.key());
      if (r.value() != null && !registry.wouldRetain(key)) {
        LOG.info("adapter {} is older than the versions loaded; not loaded", key);
        return;
      }
    } catch (IllegalArgumentException e) {
      // the verifier refuses it below, with the reason
    }
    AdapterVerification result = verifier.verify(r.key(), r.value());
    if (result instanceof AdapterVerification.Accepted a) {
      registry.accept(a.record().manifest(), a.weights(), Instant.ofEpochMilli(r.timestamp()), true);
    } else if (result instanceof AdapterVerification.Refused refused) {
      registry.refuse(refused.reason().tag(), refused.subject(), refused.detail());
    } else if (result instanceof AdapterVerification.Deleted d) {
      registry.delete(d.key());
    }
  }

  private void handlePin(ConsumerRecord<String, byte[]> r) {
    if (r.key() == null) {
      registry.refuse("malformed_pin", "?", "pin record at offset " + r.offset() + " has no key");
      return;
    }
    if (r.value() == null) {
      registry.pin(r.key(), null);
      return;
    }
    try {
      registry.pin(r.key(), PinRecord.fromJson(r.key(), r.value()));
    } catch (IllegalArgumentException e) {
      registry.refuse("malformed_pin", r.key(), e.getMessage());
    }
  }

  private static boolean reached(KafkaConsumer<String, byte[]> c, Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
      if (c.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private List<TopicPartition> awaitPartitions(KafkaConsumer<String, byte[]> c, String topic) {
    long lastLog = 0;
    while (!closed) {
      try {
        List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(5));
        if (infos != null && !infos.isEmpty()) {
          return infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
        }
      } catch (WakeupException e) {
        throw e;
      } catch (KafkaException e) {
        LOG.debug("looking up {} failed: {}", topic, e.toString());
      }
      if (System.nanoTime() - lastLog > TimeUnit.SECONDS.toNanos(10)) {
        LOG.warn("topic {} does not exist (yet) or Kafka is unreachable; adapters stay unavailable until it is"
            + " there (create-topics=true creates it at start)", topic);
        lastLog = System.nanoTime();
      }
      sleep(500);
    }
    throw new WakeupException();
  }

  private void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WakeupException();
    }
  }

  @Override
  public void close() {
    closed = true;
    KafkaConsumer<String, byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
