package io.lorastream.cli.demo;

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
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes the front-end's events to Kafka as the contracts say: documents keyed by doc id, search
 * events and their interactions keyed by impression id, record timestamps = event times.
 */
final class FeedbackProducer implements AutoCloseable {

  private final KafkaProducer<String, byte[]> producer;
  private final EventCodecs codecs = EventCodecs.create(TextLimits.DEFAULTS);
  private final TopicNames topics;
  private final String tenant;
  private final AtomicLong events = new AtomicLong();

  FeedbackProducer(String bootstrap, TopicNames topics, String tenant) {
    this.producer = new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
            ProducerConfig.LINGER_MS_CONFIG, 20,
            ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 << 20),
        new StringSerializer(),
        new ByteArraySerializer());
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
      Instant shownAt, String sessionId, String query, String queryId, List<String> docIds, float[] scores,
      String modelVersion, List<UserModel.Action> actions) {
    String impressionId = id();
    List<ShownResult> results = new java.util.ArrayList<>(docIds.size());
    for (int i = 0; i < docIds.size(); i++) {
      results.add(new ShownResult(docIds.get(i), i + 1, scores[i]));
    }
    String adapterVersion = modelVersion.equals("base") ? null : modelVersion;
    SearchEvent search = new SearchEvent(
        SchemaVersion.CURRENT, impressionId, tenant, shownAt, impressionId, sessionId, query, queryId, results,
        modelVersion, adapterVersion);
    send(topics.searchEvents(), codecs.searchEvents().keyOf(search), codecs.searchEvents().encode(search), shownAt);
    events.incrementAndGet();
    for (UserModel.Action a : actions) {
      Instant at = shownAt.plusMillis(a.offsetMs());
      InteractionType type = switch (a.kind()) {
        case CLICK -> InteractionType.CLICK;
        case THUMBS_UP -> InteractionType.THUMBS_UP;
        case THUMBS_DOWN -> InteractionType.THUMBS_DOWN;
      };
      Long dwell = a.kind() == UserModel.Action.Kind.CLICK ? a.dwellMs() : null;
      Interaction interaction = new Interaction(SchemaVersion.CURRENT, id(), tenant, at, impressionId, a.docId(), type, dwell);
      send(topics.interactions(), codecs.interactions().keyOf(interaction), codecs.interactions().encode(interaction), at);
      events.incrementAndGet();
    }
    return impressionId;
  }

  private void send(String topic, String key, byte[] value, Instant time) {
    producer.send(new ProducerRecord<>(topic, null, time.toEpochMilli(), key, value), (metadata, error) -> {
      if (error != null) {
        System.err.println("demo: could not produce to " + topic + ": " + error.getMessage());
      }
    });
  }

  void flush() {
    producer.flush();
  }

  private static String id() {
    return UUID.randomUUID().toString();
  }

  @Override
  public void close() {
    producer.close();
  }
}
