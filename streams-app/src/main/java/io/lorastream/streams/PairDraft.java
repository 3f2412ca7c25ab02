package io.lorastream.streams;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lorastream.schemas.EventJson;
import io.lorastream.schemas.PairKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A pair before its document texts are looked up: what the click model or a label decided, with doc
 * ids only.
 *
 * @param negatives candidates in preference order; the first k whose texts are known become the
 *     pair's negatives
 * @param sourceEventIds the events behind the positive (a negative's own events are added if it is
 *     chosen)
 * @param deadLetterSource the record dead-lettered (with {@code unknown_document}) if the positive
 *     never turns up
 * @param deadlineWallMs when waiting for the positive's text gives up (wall clock); set when the
 *     draft is parked
 */
public record PairDraft(
    PairKind kind,
    String adapter,
    String tenant,
    String anchor,
    String queryId,
    String impressionId,
    String positiveDocId,
    List<ClickModel.Negative> negatives,
    double weight,
    Double label,
    List<String> sourceEventIds,
    long eventTimeMs,
    List<String> shownDocIds,
    SourceRecord deadLetterSource,
    long deadlineWallMs) {

  public PairDraft {
    negatives = List.copyOf(negatives);
    sourceEventIds = List.copyOf(sourceEventIds);
    shownDocIds = List.copyOf(shownDocIds);
  }

  public PairDraft withDeadline(long wallMs) {
    return new PairDraft(
        kind,
        adapter,
        tenant,
        anchor,
        queryId,
        impressionId,
        positiveDocId,
        negatives,
        weight,
        label,
        sourceEventIds,
        eventTimeMs,
        shownDocIds,
        deadLetterSource,
        wallMs);
  }

  /**
   * JSON: parked drafts are rare (a document not known yet), so readability beats compactness here.
   */
  public static Serde<PairDraft> serde() {
    ObjectMapper mapper = EventJson.shared();
    Serializer<PairDraft> ser =
        (topic, draft) -> {
          try {
            return draft == null ? null : mapper.writeValueAsBytes(draft);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        };
    Deserializer<PairDraft> de =
        (topic, bytes) -> {
          try {
            return bytes == null ? null : mapper.readValue(bytes, PairDraft.class);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        };
    return Serdes.serdeFrom(ser, de);
  }
}
