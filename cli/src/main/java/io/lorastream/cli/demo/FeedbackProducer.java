package io.lorastream.cli.demo;

import io.lorastream.bench.users.UserModel;
import io.lorastream.schemas.Document;
import io.lorastream.schemas.EventCodecs;
import io.lorastream.schemas.Interaction;
import io.lorastream.schemas.InteractionType;
import io.lorastream.schemas.SchemaVersion;
import io.lorastream.schemas.SearchEvent;
import io.lorastream.schemas.ShownResult;
import io.lorastream.schemas.TextLimits;
import io.lorastream.schemas.TopicNames;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes the front-end's events to Kafka as the contracts say: documents keyed by doc id, search
 * events and their interactions keyed by impression id, record timestamps = event times. Each
 * interaction is sent when it happens (a click 2 s after the page was shown is sent 2 s later), as
 * a real front-end would: sent ahead of time, future event times would move stream time past the
 * next impressions, which would then be late.
 */
final class FeedbackProducer implements AutoCloseable {

  private final KafkaProducer<String, byte[]> producer;
  private final EventCodecs codecs = EventCodecs.create(TextLimits.DEFAULTS);
  private final TopicNames topics;
  private final String tenant;
  private final AtomicLong events = new AtomicLong();
  private final ScheduledExecutorService clock =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "demo-user-actions");
            t.setDaemon(true);
            return t;
          });

  /**
   * @param security the client settings of the front-end's principal
   */
  FeedbackProducer(
      String bootstrap, Map<String, String> security, TopicNames topics, String tenant) {
    Map<String, Object> p = new java.util.HashMap<>(security);
    p.putAll(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true,
            ProducerConfig.LINGER_MS_CONFIG,
            20,
            ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
            8 << 20));
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    this.topics = topics;
    this.tenant = tenant;
  }

  /** Events produced so far (documents not counted). */
  long events() {
    return events.get();
  }

  void document(String docId, String title, String text, Instant now) {
    Document d = new Document(SchemaVersion.CURRENT, id(), tenant, now, docId, title, text, now);
    send(topics.documents(), codecs.documents().keyOf(d), codecs.documents().encode(d), now);
  }

  /** One impression and the user's actions on it; returns the impression id. */
  String impression(
      Instant shownAt,
      String sessionId,
      String query,
      String queryId,
      List<String> docIds,
      float[] scores,
      String modelVersion,
      List<UserModel.Action> actions) {
    String impressionId = id();
    List<ShownResult> results = new java.util.ArrayList<>(docIds.size());
    for (int i = 0; i < docIds.size(); i++) {
      results.add(new ShownResult(docIds.get(i), i + 1, scores[i]));
    }
    String adapterVersion = modelVersion.equals("base") ? null : modelVersion;
    SearchEvent search =
        new SearchEvent(
            SchemaVersion.CURRENT,
            impressionId,
            tenant,
            shownAt,
            impressionId,
            sessionId,
            query,
            queryId,
            results,
            modelVersion,
            adapterVersion);
    send(
        topics.searchEvents(),
        codecs.searchEvents().keyOf(search),
        codecs.searchEvents().encode(search),
        shownAt);
    events.incrementAndGet();
    for (UserModel.Action a : actions) {
      InteractionType type =
          switch (a.kind()) {
            case CLICK -> InteractionType.CLICK;
            case THUMBS_UP -> InteractionType.THUMBS_UP;
            case THUMBS_DOWN -> InteractionType.THUMBS_DOWN;
          };
      Long dwell = a.kind() == UserModel.Action.Kind.CLICK ? a.dwellMs() : null;
      long delay =
          Math.max(0, shownAt.plusMillis(a.offsetMs()).toEpochMilli() - System.currentTimeMillis());
      clock.schedule(
          () -> {
            Instant at = Instant.now();
            Interaction interaction =
                new Interaction(
                    SchemaVersion.CURRENT, id(), tenant, at, impressionId, a.docId(), type, dwell);
            send(
                topics.interactions(),
                codecs.interactions().keyOf(interaction),
                codecs.interactions().encode(interaction),
                at);
            events.incrementAndGet();
          },
          delay,
          TimeUnit.MILLISECONDS);
    }
    return impressionId;
  }

  private void send(String topic, String key, byte[] value, Instant time) {
    producer.send(
        new ProducerRecord<>(topic, null, time.toEpochMilli(), key, value),
        (metadata, error) -> {
          if (error != null) {
            System.err.println("demo: could not produce to " + topic + ": " + error.getMessage());
          }
        });
  }

  void flush() {
    producer.flush();
  }

  /** Sends what users are still about to do, then everything buffered; nothing more is accepted. */
  void finish() {
    clock.shutdown();
    try {
      clock.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.flush();
  }

  private static String id() {
    return UUID.randomUUID().toString();
  }

  @Override
  public void close() {
    clock.shutdownNow();
    producer.close();
  }
}
