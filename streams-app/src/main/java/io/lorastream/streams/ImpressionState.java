package io.lorastream.streams;

import io.lorastream.schemas.EventCodecs;
import io.lorastream.schemas.Interaction;
import io.lorastream.schemas.SearchEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * An open impression in the state store: its search event (null while interactions wait for it) and the interactions
 * so far, each kept decoded and as its original record (the record is what gets dead-lettered if the event is judged
 * bad at close).
 *
 * @param closeAtMs the stream time at which this state is closed (window end + grace, or an orphan's deadline)
 */
public record ImpressionState(Entry<SearchEvent> search, List<Entry<Interaction>> interactions, long closeAtMs) {

  /** One validated event: its id and event time in millis (for dedupe and windows), the event, its record. */
  public record Entry<T>(String eventId, long eventTimeMs, T event, SourceRecord record) {}

  /**
   * The format written. 2: each event is kept decoded ({@link EventBinary}) before its record. 1 kept only the record,
   * whose JSON was parsed again at close; it is still read.
   */
  static final byte VERSION = 2;

  private static final byte VERSION_RECORDS_ONLY = 1;

  public ImpressionState {
    interactions = List.copyOf(interactions);
  }

  public static Entry<SearchEvent> entry(SearchEvent e, SourceRecord record) {
    return new Entry<>(e.eventId(), e.eventTime().toEpochMilli(), e, record);
  }

  public static Entry<Interaction> entry(Interaction e, SourceRecord record) {
    return new Entry<>(e.eventId(), e.eventTime().toEpochMilli(), e, record);
  }

  public boolean hasEvent(String eventId) {
    return (search != null && search.eventId().equals(eventId))
        || interactions.stream().anyMatch(e -> e.eventId().equals(eventId));
  }

  public ImpressionState withInteraction(Entry<Interaction> e) {
    List<Entry<Interaction>> more = new ArrayList<>(interactions.size() + 1);
    more.addAll(interactions);
    more.add(e);
    return new ImpressionState(search, more, closeAtMs);
  }

  public ImpressionState withSearch(Entry<SearchEvent> e, long newCloseAtMs) {
    return new ImpressionState(e, interactions, newCloseAtMs);
  }

  /**
   * A small binary format, a version byte first: it is read and written for every event on the hot path. {@code codecs}
   * decode the events of states written in format 1.
   */
  public static Serde<ImpressionState> serde(EventCodecs codecs) {
    Serializer<ImpressionState> ser = (topic, state) -> state == null ? null : write(state);
    Deserializer<ImpressionState> de = (topic, bytes) -> bytes == null ? null : read(bytes, codecs);
    return Serdes.serdeFrom(ser, de);
  }

  static byte[] write(ImpressionState s) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(sizeHint(s));
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(VERSION);
      out.writeLong(s.closeAtMs());
      out.writeBoolean(s.search() != null);
      if (s.search() != null) {
        EventBinary.writeSearch(out, s.search().event());
        s.search().record().writeTo(out);
      }
      out.writeInt(s.interactions().size());
      for (Entry<Interaction> e : s.interactions()) {
        EventBinary.writeInteraction(out, e.event());
        e.record().writeTo(out);
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ImpressionState read(byte[] bytes, EventCodecs codecs) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
      byte version = in.readByte();
      if (version != VERSION && version != VERSION_RECORDS_ONLY) {
        throw new IllegalStateException(
            "impression state format " + version + " is not readable by this version (reads " + VERSION_RECORDS_ONLY
                + " and " + VERSION + "); reset the application's state to upgrade");
      }
      long closeAt = in.readLong();
      Entry<SearchEvent> search = null;
      if (in.readBoolean()) {
        search = version == VERSION
            ? entry(EventBinary.readSearch(in), SourceRecord.readFrom(in))
            : readRecordsOnly(in, codecs.searchEvents()::decodeTrusted);
      }
      int n = in.readInt();
      List<Entry<Interaction>> interactions = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        interactions.add(version == VERSION
            ? entry(EventBinary.readInteraction(in), SourceRecord.readFrom(in))
            : readRecordsOnly(in, codecs.interactions()::decodeTrusted));
      }
      return new ImpressionState(search, interactions, closeAt);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A format-1 entry: event id, event time, record; the event is decoded from the record's (validated) value. */
  private static <T> Entry<T> readRecordsOnly(DataInput in, java.util.function.Function<byte[], T> decode)
      throws IOException {
    String eventId = in.readUTF();
    long eventTimeMs = in.readLong();
    SourceRecord record = SourceRecord.readFrom(in);
    return new Entry<>(eventId, eventTimeMs, decode.apply(record.value()), record);
  }

  private static int sizeHint(ImpressionState s) {
    int n = 64;
    if (s.search() != null) {
      n += 2 * s.search().record().value().length + 128;
    }
    for (Entry<Interaction> e : s.interactions()) {
      n += e.record().value().length + 192;
    }
    return n;
  }
}
