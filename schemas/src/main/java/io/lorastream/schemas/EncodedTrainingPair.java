package io.lorastream.schemas;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A {@link TrainingPair} whose passages are held already escaped for JSON, as they were stored
 * ({@link JsonText}), written to the same JSON that {@link EventCodec#encode} writes for the
 * equivalent {@link TrainingPair}, byte for byte.
 *
 * <p>Why: a pair carries 1 + k passages (kilobytes each), and the streams app emits one per
 * positive. Decoding every passage from its store into a String and encoding it back to UTF-8 for
 * the JSON made pair output the costliest step of the topology, and escaping the UTF-8 bytes on
 * every pair was still a tenth of it; here they are copied. Components are those of {@link
 * TrainingPair}, in its order; the same checks apply.
 *
 * @param positive the positive passage
 * @param negatives the negative passages, aligned with {@code negativeDocIds}
 */
public record EncodedTrainingPair(
    int schemaVersion,
    String pairId,
    PairKind kind,
    String adapter,
    String tenant,
    String anchor,
    JsonText positive,
    String positiveDocId,
    List<JsonText> negatives,
    List<String> negativeDocIds,
    double weight,
    Double label,
    List<String> sourceEventIds,
    Instant eventTime,
    String queryId,
    String impressionId,
    List<String> shownDocIds) {

  private static final JsonFactory JSON = EventJson.shared().getFactory();

  public EncodedTrainingPair {
    Objects.requireNonNull(pairId, "pair_id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(adapter, "adapter");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(anchor, "anchor");
    Objects.requireNonNull(positive, "positive");
    Objects.requireNonNull(positiveDocId, "positive_doc_id");
    Objects.requireNonNull(eventTime, "event_time");
    negatives = List.copyOf(Objects.requireNonNull(negatives, "negatives"));
    negativeDocIds = List.copyOf(Objects.requireNonNull(negativeDocIds, "negative_doc_ids"));
    sourceEventIds = List.copyOf(Objects.requireNonNull(sourceEventIds, "source_event_ids"));
    shownDocIds = shownDocIds == null ? List.of() : List.copyOf(shownDocIds);
    PairChecks.check(pairId, negatives, negativeDocIds, weight, label, sourceEventIds);
  }

  /** The contract JSON (snake_case names in component order, nulls left out, ISO-8601 instant). */
  public byte[] toJson() {
    int size = 512 + positive.length();
    for (JsonText n : negatives) {
      size += n.length() + 8;
    }
    try (ByteArrayBuilder out = new ByteArrayBuilder(size);
        JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("schema_version", schemaVersion);
      g.writeStringField("pair_id", pairId);
      g.writeStringField("kind", kind == PairKind.CLICK ? "click" : "label");
      g.writeStringField("adapter", adapter);
      g.writeStringField("tenant", tenant);
      g.writeStringField("anchor", anchor);
      g.writeFieldName("positive");
      positive.writeTo(g);
      g.writeStringField("positive_doc_id", positiveDocId);
      g.writeArrayFieldStart("negatives");
      for (JsonText n : negatives) {
        n.writeTo(g);
      }
      g.writeEndArray();
      writeStrings(g, "negative_doc_ids", negativeDocIds);
      g.writeNumberField("weight", weight);
      if (label != null) {
        g.writeNumberField("label", label);
      }
      writeStrings(g, "source_event_ids", sourceEventIds);
      g.writeStringField("event_time", eventTime.toString());
      if (queryId != null) {
        g.writeStringField("query_id", queryId);
      }
      if (impressionId != null) {
        g.writeStringField("impression_id", impressionId);
      }
      writeStrings(g, "shown_doc_ids", shownDocIds);
      g.writeEndObject();
      g.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write training pair " + pairId + " as JSON", e);
    }
  }

  /** The same pair with its passages as Strings. */
  public TrainingPair decoded() {
    return new TrainingPair(
        schemaVersion,
        pairId,
        kind,
        adapter,
        tenant,
        anchor,
        positive.text(),
        positiveDocId,
        negatives.stream().map(JsonText::text).toList(),
        negativeDocIds,
        weight,
        label,
        sourceEventIds,
        eventTime,
        queryId,
        impressionId,
        shownDocIds);
  }

  /** Writes {@link #toJson()}; null stays null (a tombstone). */
  public static Serializer<EncodedTrainingPair> serializer() {
    return (topic, pair) -> pair == null ? null : pair.toJson();
  }

  private static void writeStrings(JsonGenerator g, String field, List<String> values)
      throws IOException {
    g.writeArrayFieldStart(field);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }
}
