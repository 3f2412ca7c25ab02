package io.lorastream.cli.loop;

import io.lorastream.model.eval.BeirDataset;
import io.lorastream.model.eval.BeirDocument;
import io.lorastream.schemas.Document;
import io.lorastream.schemas.EventCodecs;
import io.lorastream.schemas.LabelSource;
import io.lorastream.schemas.RelevanceLabel;
import io.lorastream.schemas.SchemaVersion;
import io.lorastream.schemas.TextLimits;
import io.lorastream.schemas.TopicNames;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A search application's annotators, as the contracts say: SciFact's train judgments sent as
 * grade-3 relevance labels of one tenant (keyed tenant/query), their documents first (keyed by doc
 * id), every record acknowledged by all in-sync replicas.
 */
final class LabelFeedback implements AutoCloseable {

  /** One judgment: a train query and a document judged relevant to it. */
  record Judgment(String queryId, String query, String docId) {}

  private final KafkaProducer<String, byte[]> producer;
  private final EventCodecs codecs = EventCodecs.create(TextLimits.DEFAULTS);
  private final TopicNames topics;

  /**
   * @param security the client settings of the principal that writes feedback
   */
  LabelFeedback(String bootstrap, Map<String, ?> security, TopicNames topics) {
    Map<String, Object> p = new HashMap<>(security);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 << 20);
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    this.topics = topics;
  }

  /** SciFact (../shared/datasets/scifact, system property {@code lorastream.datasets}). */
  static BeirDataset scifact() {
    String datasets = System.getProperty("lorastream.datasets");
    if (datasets == null) {
      throw new IllegalStateException(
          "system property lorastream.datasets (set by the parent pom) is missing");
    }
    return BeirDataset.load(Path.of(datasets, "scifact"));
  }

  /** The first {@code n} train judgments, queries in id order: the same every run. */
  static List<Judgment> judgments(BeirDataset data, int n) {
    List<Judgment> out = new ArrayList<>();
    Map<String, Map<String, Integer>> scores = new TreeMap<>(data.qrels("train").scores());
    for (var q : scores.entrySet()) {
      for (var d : new TreeMap<>(q.getValue()).entrySet()) {
        if (d.getValue() > 0 && out.size() < n && data.queries().containsKey(q.getKey())) {
          out.add(new Judgment(q.getKey(), data.queries().get(q.getKey()).text(), d.getKey()));
        }
      }
    }
    return out;
  }

  /** Sends the documents of the judgments and waits for their acknowledgement. */
  void documents(BeirDataset data, List<Judgment> judgments)
      throws ExecutionException, InterruptedException {
    Set<String> ids = new LinkedHashSet<>();
    judgments.forEach(j -> ids.add(j.docId()));
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    Instant now = Instant.now();
    for (String id : ids) {
      BeirDocument d = data.corpus().get(id);
      Document doc =
          new Document(
              SchemaVersion.CURRENT,
              UUID.randomUUID().toString(),
              Loop.TENANT,
              now,
              id,
              d.title(),
              d.text(),
              now);
      sent.add(
          producer.send(
              new ProducerRecord<>(
                  topics.documents(),
                  null,
                  now.toEpochMilli(),
                  codecs.documents().keyOf(doc),
                  codecs.documents().encode(doc))));
    }
    for (Future<RecordMetadata> f : sent) {
      f.get();
    }
  }

  /** Sends one grade-3 label now; returns its event id. */
  Future<RecordMetadata> label(Judgment j, String eventId) {
    Instant now = Instant.now();
    RelevanceLabel label =
        new RelevanceLabel(
            SchemaVersion.CURRENT,
            eventId,
            Loop.TENANT,
            now,
            j.query(),
            j.queryId(),
            j.docId(),
            3,
            LabelSource.ANNOTATOR);
    return producer.send(
        new ProducerRecord<>(
            topics.relevanceLabels(),
            null,
            now.toEpochMilli(),
            codecs.relevanceLabels().keyOf(label),
            codecs.relevanceLabels().encode(label)));
  }

  void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close();
  }
}
