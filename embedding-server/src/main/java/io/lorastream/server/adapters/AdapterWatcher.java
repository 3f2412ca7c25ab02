package io.lorastream.server.adapters;

import io.lorastream.model.adapter.AdapterKey;
import io.lorastream.model.adapter.AdapterVerification;
import io.lorastream.model.adapter.AdapterVerifier;
import io.lorastream.model.adapter.AdapterWithdrawalCodec;
import io.lorastream.schemas.TopicAdmin;
import io.lorastream.server.config.WatcherSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the adapters and adapter-pins topics from the beginning with its own consumer (assigned
 * partitions, no consumer group: every replica reads everything and commits nothing). At start it
 * reads the pins topic to its end, then the adapters topic to the end offsets it had then (see
 * {@link CatchUpBuffer}), and marks the registry caught up; after that every record is handled as
 * it arrives: verified, loaded and swapped in on this thread, never on a request thread. A bad
 * record is refused and counted; nothing stops the loop.
 *
 * <p>Kafka may be unreachable for a while. Every broker call has a timeout; a failed catch-up
 * starts over after a backoff (1 s doubling up to {@code watcher.max-backoff}); while following,
 * the consumer reconnects by itself and the watcher asks for the end offsets every {@code
 * watcher.check-interval} to notice an outage, since a poll just returns nothing. Meanwhile the
 * server serves what it loaded; {@link #status()} says what is going on.
 */
public final class AdapterWatcher implements AutoCloseable {

  /**
   * Adapter records carry weights: megabytes for large ranks (the topic allows this much per
   * record).
   */
  static final int MAX_FETCH_BYTES = TopicAdmin.ARTIFACT_MAX_MESSAGE_BYTES;

  private static final Logger LOG = LoggerFactory.getLogger(AdapterWatcher.class);
  private static final Duration POLL = Duration.ofMillis(100);

  private final Properties props;
  private final String adaptersTopic;
  private final String pinsTopic;
  private final AdapterVerifier verifier;
  private final AdapterRegistry registry;
  private final WatcherSettings settings;
  private final Thread thread;
  private final AtomicReference<WatcherStatus> status =
      new AtomicReference<>(WatcherStatus.starting());
  private volatile KafkaConsumer<String, byte[]> consumer;
  private final CountDownLatch closing = new CountDownLatch(1);
  private volatile boolean closed;
  private Duration backoff;

  /**
   * @param clientProperties bootstrap servers and any extra client properties
   * @param clientId this replica's consumer client id
   */
  public AdapterWatcher(
      Map<String, String> clientProperties,
      String clientId,
      String adaptersTopic,
      String pinsTopic,
      AdapterVerifier verifier,
      AdapterRegistry registry,
      WatcherSettings settings) {
    this.props = consumerProperties(clientProperties, clientId);
    this.adaptersTopic = adaptersTopic;
    this.pinsTopic = pinsTopic;
    this.verifier = verifier;
    this.registry = registry;
    this.settings = settings;
    this.backoff = settings.initialBackoff();
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

  /** What the watcher does now, and when Kafka last answered. */
  public WatcherStatus status() {
    return status.get();
  }

  private void run() {
    KafkaConsumer<String, byte[]> c = consumer;
    try (c) {
      while (!closed && !registry.catalog().caughtUp()) {
        try {
          catchUp(c);
        } catch (WakeupException e) {
          throw e;
        } catch (RuntimeException e) {
          retryLater("catching up with " + pinsTopic + " and " + adaptersTopic, e);
        }
      }
      follow(c);
    } catch (WakeupException e) {
      if (!closed) {
        LOG.error(
            "adapter watcher woken up unexpectedly; no new adapter versions will be loaded", e);
      }
      status.updateAndGet(s -> s.stopped(closed ? "closed" : "woken up unexpectedly"));
    } catch (RuntimeException | Error e) {
      LOG.error("adapter watcher stopped: no new adapter versions will be loaded until restart", e);
      status.updateAndGet(s -> s.stopped(e.toString()));
    }
  }

  /**
   * Pins to their end, adapters to the end offsets they have now, then the registry is caught up.
   */
  private void catchUp(KafkaConsumer<String, byte[]> c) {
    List<TopicPartition> pinParts = awaitPartitions(c, pinsTopic);
    c.assign(pinParts);
    c.seekToBeginning(pinParts);
    Map<TopicPartition, Long> pinEnds = c.endOffsets(pinParts, settings.checkInterval());
    contact(WatcherStatus.State.CATCHING_UP);
    readTo(c, pinEnds, null);
    Map<String, Integer> pinned = new HashMap<>();
    registry.catalog().pins().forEach((a, p) -> pinned.put(a, p.version()));
    LOG.info("read {} pin(s) from {}: {}", pinned.size(), pinsTopic, pinned);

    List<TopicPartition> adapterParts = awaitPartitions(c, adaptersTopic);
    Map<TopicPartition, Long> pinPositions = new HashMap<>();
    for (TopicPartition tp : pinParts) {
      pinPositions.put(tp, c.position(tp, settings.checkInterval()));
    }
    List<TopicPartition> all = new ArrayList<>(pinParts);
    all.addAll(adapterParts);
    c.assign(all);
    pinPositions.forEach(c::seek);
    c.seekToBeginning(adapterParts);
    Map<TopicPartition, Long> adapterEnds = c.endOffsets(adapterParts, settings.checkInterval());
    long started = System.nanoTime();
    CatchUpBuffer buffer = new CatchUpBuffer(registry.settings().retainedVersions(), pinned);
    readTo(c, adapterEnds, buffer);
    if (closed) {
      return;
    }
    buffer.drainInto(verifier, registry);
    registry.markCaughtUp();
    contact(WatcherStatus.State.FOLLOWING);
    LOG.info(
        "caught up with {} ({} records to end offsets {}) in {} ms; serving {}",
        adaptersTopic,
        buffer.records(),
        adapterEnds.values(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
        registry.catalog().adapters().keySet());
  }

  /**
   * Polls until every partition reached its end offset. Polls return nothing while the broker is
   * away, so when nothing arrived for a check interval the end offsets are asked for: that throws
   * when Kafka is unreachable.
   */
  private void readTo(
      KafkaConsumer<String, byte[]> c, Map<TopicPartition, Long> ends, CatchUpBuffer buffer) {
    long lastProgress = System.nanoTime();
    while (!closed && !reached(c, ends)) {
      ConsumerRecords<String, byte[]> records = c.poll(POLL);
      if (records.isEmpty()) {
        if (System.nanoTime() - lastProgress > settings.checkInterval().toNanos()) {
          c.endOffsets(ends.keySet(), settings.checkInterval());
          contact(WatcherStatus.State.CATCHING_UP);
          lastProgress = System.nanoTime();
        }
        continue;
      }
      lastProgress = System.nanoTime();
      handle(records, buffer);
    }
  }

  private void follow(KafkaConsumer<String, byte[]> c) {
    long nextCheck = System.nanoTime() + settings.checkInterval().toNanos();
    while (!closed) {
      ConsumerRecords<String, byte[]> records;
      try {
        records = c.poll(POLL);
      } catch (WakeupException e) {
        throw e;
      } catch (RuntimeException e) {
        retryLater("polling " + adaptersTopic + " and " + pinsTopic, e);
        continue;
      }
      if (!records.isEmpty()) {
        contact(WatcherStatus.State.FOLLOWING);
        handle(records, null);
      }
      if (System.nanoTime() >= nextCheck) {
        try {
          c.endOffsets(c.assignment(), settings.checkInterval());
          contact(WatcherStatus.State.FOLLOWING);
          nextCheck = System.nanoTime() + settings.checkInterval().toNanos();
        } catch (WakeupException e) {
          throw e;
        } catch (RuntimeException e) {
          Duration wait = failed("checking that Kafka answers", e);
          nextCheck =
              System.nanoTime()
                  + wait.toNanos(); // keep polling meanwhile: the consumer reconnects by itself
        }
      }
    }
  }

  private void handle(ConsumerRecords<String, byte[]> records, CatchUpBuffer catchUp) {
    for (ConsumerRecord<String, byte[]> r : records) {
      try {
        if (r.topic().equals(pinsTopic)) {
          handlePin(r);
        } else if (catchUp != null) {
          catchUp.add(
              r.key(),
              r.value(),
              withdrawal(r),
              Instant.ofEpochMilli(r.timestamp()),
              verifier,
              registry);
        } else {
          handleAdapter(r);
        }
      } catch (RuntimeException e) {
        registry.refuse(
            "malformed",
            String.valueOf(r.key()),
            "handling the record at "
                + r.topic()
                + "-"
                + r.partition()
                + "@"
                + r.offset()
                + " failed: "
                + e);
      }
    }
  }

  private static byte[] withdrawal(ConsumerRecord<String, byte[]> r) {
    Header h = r.headers().lastHeader(AdapterWithdrawalCodec.HEADER);
    return h == null ? null : h.value();
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
    AdapterVerification result = verifier.verify(r.key(), r.value(), withdrawal(r));
    if (result instanceof AdapterVerification.Accepted a) {
      registry.accept(
          a.record().manifest(), a.weights(), Instant.ofEpochMilli(r.timestamp()), true);
    } else if (result instanceof AdapterVerification.Refused refused) {
      registry.refuse(refused.reason().tag(), refused.subject(), refused.detail());
    } else if (result instanceof AdapterVerification.Withdrawn w) {
      registry.withdraw(w.withdrawal());
    } else if (result instanceof AdapterVerification.Deleted d) {
      registry.ignoreTombstone(d.key());
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

  private boolean reached(KafkaConsumer<String, byte[]> c, Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
      if (c.position(e.getKey(), settings.checkInterval()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private List<TopicPartition> awaitPartitions(KafkaConsumer<String, byte[]> c, String topic) {
    long lastLog = 0;
    while (!closed) {
      List<PartitionInfo> infos = c.partitionsFor(topic, settings.checkInterval());
      if (infos != null && !infos.isEmpty()) {
        return infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      }
      String why =
          "topic "
              + topic
              + " does not exist (yet); adapters stay unavailable until it is there"
              + " (create-topics=true creates it at start)";
      status.updateAndGet(s -> s.reached(WatcherStatus.State.CATCHING_UP, why));
      if (System.nanoTime() - lastLog > TimeUnit.SECONDS.toNanos(10)) {
        LOG.warn(why);
        lastLog = System.nanoTime();
      }
      sleep(settings.initialBackoff());
    }
    throw new WakeupException();
  }

  private void contact(WatcherStatus.State state) {
    WatcherStatus before = status.getAndUpdate(s -> s.reached(state, null));
    if (before.state() == WatcherStatus.State.UNREACHABLE) {
      LOG.info(
          "Kafka answers again after {} s unreachable; the adapter watcher is {}",
          Duration.between(before.since(), Instant.now()).toSeconds(),
          state.json());
    }
    backoff = settings.initialBackoff();
  }

  /**
   * Marks Kafka unreachable and returns how long to wait before the next attempt (doubling up to
   * max-backoff).
   */
  private Duration failed(String what, RuntimeException e) {
    Duration wait = backoff;
    backoff =
        backoff.multipliedBy(2).compareTo(settings.maxBackoff()) > 0
            ? settings.maxBackoff()
            : backoff.multipliedBy(2);
    WatcherStatus before = status.getAndUpdate(s -> s.failed(what + " failed: " + e));
    if (before.state() != WatcherStatus.State.UNREACHABLE) {
      LOG.warn(
          "{} failed ({}); serving what is loaded, retrying in {} ms (backoff up to {} s)",
          what,
          e.toString(),
          wait.toMillis(),
          settings.maxBackoff().toSeconds());
    } else {
      LOG.debug("{} failed again ({}); retrying in {} ms", what, e.toString(), wait.toMillis());
    }
    return wait;
  }

  private void retryLater(String what, RuntimeException e) {
    if (!(e instanceof KafkaException)) {
      LOG.error("{} failed with an unexpected error; retrying", what, e);
    }
    sleep(failed(what, e));
  }

  /** Waits, but returns as soon as the watcher is closed. */
  private void sleep(Duration d) {
    try {
      if (closing.await(d.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new WakeupException();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WakeupException();
    }
  }

  @Override
  public void close() {
    closed = true;
    closing.countDown();
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
