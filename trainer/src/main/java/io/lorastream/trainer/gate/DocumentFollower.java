package io.lorastream.trainer.gate;

import io.lorastream.schemas.Document;
import io.lorastream.schemas.EventCodec;
import io.lorastream.schemas.EventCodecs;
import io.lorastream.schemas.TextLimits;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the documents topic from its start, and on as documents arrive, into the known corpora: the
 * gate then ranks held-out queries against every document users can be shown and judges them on
 * every document an impression showed, not only on those pairs carried (the click and the negatives
 * ranked above it, a set that favours any change). Texts only: the base embeddings are computed
 * before a gate run. A record that does not decode is skipped and counted; a broker that is away or
 * a missing grant is retried with a pause. Runs on a thread of its own until {@link #close}.
 */
public final class DocumentFollower implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DocumentFollower.class);
  private static final Duration RETRY = Duration.ofSeconds(10);

  private final KafkaConsumer<String, byte[]> consumer;
  private final String topic;
  private final List<KnownCorpus> corpora;
  private final EventCodec<Document> codec = EventCodecs.create(TextLimits.DEFAULTS).documents();
  private final AtomicLong read = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final Thread thread;
  private volatile boolean stopped;
  private long missing;

  public DocumentFollower(Properties consumerProperties, String topic, List<KnownCorpus> corpora) {
    this.consumer = new KafkaConsumer<>(consumerProperties);
    this.topic = topic;
    this.corpora = List.copyOf(corpora);
    this.thread = new Thread(this::run, "lorastream-trainer-documents");
    this.thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /** Documents read into the corpora so far. */
  public long read() {
    return read.get();
  }

  /** Records skipped because they do not decode as documents. */
  public long refused() {
    return refused.get();
  }

  private void run() {
    try {
      while (!stopped && !assign()) {
        pause();
      }
      boolean caughtUp = false;
      while (!stopped) {
        try {
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
            accept(r);
          }
          if (!caughtUp
              && consumer.assignment().stream()
                  .allMatch(tp -> consumer.currentLag(tp).orElse(1) == 0)) {
            caughtUp = true;
            LOG.info(
                "documents: read {} from {} ({} refused); following it",
                read.get(),
                topic,
                refused.get());
          }
        } catch (WakeupException e) {
          return;
        } catch (RuntimeException e) {
          LOG.warn(
              "documents: reading {} failed ({}); retrying in {} s",
              topic,
              e.toString(),
              RETRY.toSeconds());
          pause();
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /**
   * Assigns every partition of the topic, from its start; false while the topic is missing or
   * unreadable.
   */
  private boolean assign() {
    try {
      List<PartitionInfo> parts = consumer.partitionsFor(topic, Duration.ofSeconds(10));
      if (parts == null || parts.isEmpty()) {
        if (missing++ % 30 == 0) { // once, then every five minutes: the streams app creates it
          LOG.info(
              "documents: topic {} not there yet; retrying every {} s", topic, RETRY.toSeconds());
        }
        return false;
      }
      List<TopicPartition> tps =
          parts.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      return true;
    } catch (WakeupException e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.warn(
          "documents: cannot read {} ({}); the gate knows only the documents pairs carry. Grant the trainer READ"
              + " on it (lorastream acls) or set follow-documents: false. Retrying in {} s",
          topic,
          e.toString(),
          RETRY.toSeconds());
      return false;
    }
  }

  private void accept(ConsumerRecord<String, byte[]> r) {
    if (r.value() == null) {
      return; // a deleted document stays known until the corpus bound pushes it out
    }
    Document d;
    try {
      d = codec.decode(r.value());
    } catch (RuntimeException e) {
      if (refused.incrementAndGet() == 1) {
        LOG.warn(
            "documents: skipping {}-{}@{}, not a document: {}",
            r.topic(),
            r.partition(),
            r.offset(),
            e.getMessage());
      }
      return;
    }
    String text = Document.passage(d.title(), d.text());
    for (KnownCorpus c : corpora) {
      c.offer(d.docId(), text);
    }
    read.incrementAndGet();
  }

  private void pause() {
    long until = System.nanoTime() + RETRY.toNanos();
    while (!stopped && System.nanoTime() < until) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stopped = true;
      }
    }
  }

  @Override
  public void close() {
    stopped = true;
    consumer.wakeup();
    try {
      thread.join(Duration.ofSeconds(10).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
