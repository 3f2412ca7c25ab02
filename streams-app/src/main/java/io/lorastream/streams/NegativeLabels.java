package io.lorastream.streams;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lorastream.schemas.EventJson;
import io.lorastream.schemas.RelevanceLabel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** The most recent grade-0 judgments of one query (oldest first), at most k. */
record NegativeLabels(List<Entry> entries) {
  record Entry(String docId, String eventId) {}

  static final NegativeLabels EMPTY = new NegativeLabels(List.of());

  NegativeLabels {
    entries = List.copyOf(entries);
  }

  /**
   * After a label: a grade-0 doc joins (newest last, k kept); any other grade removes the doc (it
   * was re-judged).
   */
  NegativeLabels after(RelevanceLabel label, int k) {
    List<Entry> next = new ArrayList<>(entries);
    next.removeIf(e -> e.docId().equals(label.docId()));
    if (label.grade() == 0) {
      next.add(new Entry(label.docId(), label.eventId()));
    }
    while (next.size() > k) {
      next.remove(0);
    }
    return new NegativeLabels(next);
  }

  static Serde<NegativeLabels> serde() {
    ObjectMapper mapper = EventJson.shared();
    Serializer<NegativeLabels> ser =
        (topic, v) -> {
          try {
            return v == null ? null : mapper.writeValueAsBytes(v);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        };
    Deserializer<NegativeLabels> de =
        (topic, bytes) -> {
          try {
            return bytes == null ? null : mapper.readValue(bytes, NegativeLabels.class);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        };
    return Serdes.serdeFrom(ser, de);
  }
}
