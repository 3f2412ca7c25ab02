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
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * An open impression in the state store: its search event (null while interactions wait for it).
 * Its interactions live in a store of their own, one entry each ({@link ImpressionInteractions}),
 * so that an interaction costs one write of its own size rather than a rewrite of all the
 * impression's interactions.
 *
 * @param interactions only in states written in format 1 or 2, which kept the interactions here;
 *     they are joined with the others at close. Empty in every state this version makes.
 * @param closeAtMs the stream time at which this state is closed (window end + grace, or an
 *     orphan's deadline)
 */
public record ImpressionState(
    Entry<SearchEvent> search, List<Entry<Interaction>> interactions, long closeAtMs) {

  /**
   * One validated event: its id and event time in millis (for dedupe and windows), the event, its
   * record, and both in the binary format (the event then its record) as a state write puts them,
   * made once when the entry is: a state is written again for each interaction it gains, and
   * encoding every event again each time was most of that write.
   */
  public record Entry<T>(
      String eventId, long eventTimeMs, T event, SourceRecord record, byte[] binary) {}

  /**
   * The format written. 3: as 2, but new interactions are no longer added to the state (they live
   * in their own store), so a version that would add them here must not read it. 2: each event is
   * kept decoded ({@link EventBinary}) before its record. 1 kept only the record, whose JSON was
   * parsed again at close. 1 and 2 are still read.
   */
  static final byte VERSION = 3;

  private static final byte VERSION_DECODED = 2;
  private static final byte VERSION_RECORDS_ONLY = 1;

  public ImpressionState {
    interactions = List.copyOf(interactions);
  }

  /** A state with its search event (or none yet) and no interactions of its own. */
  public ImpressionState(Entry<SearchEvent> search, long closeAtMs) {
    this(search, List.of(), closeAtMs);
  }

  public static Entry<SearchEvent> entry(SearchEvent e, SourceRecord record) {
    return new Entry<>(
        e.eventId(),
        e.eventTime().toEpochMilli(),
        e,
        record,
        binary(record, out -> EventBinary.writeSearch(out, e)));
  }

  public static Entry<Interaction> entry(Interaction e, SourceRecord record) {
    return new Entry<>(
        e.eventId(),
        e.eventTime().toEpochMilli(),
        e,
        record,
        binary(record, out -> EventBinary.writeInteraction(out, e)));
  }

  private interface EventWriter {
    void write(DataOutputStream out) throws IOException;
  }

  private static byte[] binary(SourceRecord record, EventWriter event) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(2 * record.value().length + 192);
      DataOutputStream out = new DataOutputStream(bytes);
      event.write(out);
      record.writeTo(out);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The search event's id, or one of the interactions this state holds itself (format 1 and 2
   * states only).
   */
  public boolean hasEvent(String eventId) {
    return (search != null && search.eventId().equals(eventId))
        || interactions.stream().anyMatch(e -> e.eventId().equals(eventId));
  }

  /** An interaction entry read back from its binary form ({@link Entry#binary()}). */
  static Entry<Interaction> interactionEntry(byte[] binary) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(binary));
      Interaction e = EventBinary.readInteraction(in);
      SourceRecord r = SourceRecord.readFrom(in);
      return new Entry<>(e.eventId(), e.eventTime().toEpochMilli(), e, r, binary);
    } catch (IOException e) {
      throw new UncheckedIOException("an interaction in the state store does not read back", e);
    }
  }

  public ImpressionState withSearch(Entry<SearchEvent> e, long newCloseAtMs) {
    return new ImpressionState(e, interactions, newCloseAtMs);
  }

  /**
   * A small binary format, a version byte first: it is read and written for every event on the hot
   * path. {@code codecs} decode the events of states written in format 1.
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
        out.write(s.search().binary());
      }
      out.writeInt(s.interactions().size());
      for (Entry<Interaction> e : s.interactions()) {
        out.write(e.binary());
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
      if (version != VERSION && version != VERSION_DECODED && version != VERSION_RECORDS_ONLY) {
        throw new IllegalStateException(
            "impression state format "
                + version
                + " is not readable by this version (reads "
                + VERSION_RECORDS_ONLY
                + " to "
                + VERSION
                + "); reset the application's state to upgrade");
      }
      boolean decoded = version != VERSION_RECORDS_ONLY;
      long closeAt = in.readLong();
      Entry<SearchEvent> search = null;
      if (in.readBoolean()) {
        if (decoded) {
          int start = bytes.length - in.available();
          SearchEvent e = EventBinary.readSearch(in);
          SourceRecord r = SourceRecord.readFrom(in);
          search =
              new Entry<>(e.eventId(), e.eventTime().toEpochMilli(), e, r, slice(bytes, start, in));
        } else {
          search =
              readRecordsOnly(in, codecs.searchEvents()::decodeTrusted, ImpressionState::entry);
        }
      }
      int n = in.readInt();
      List<Entry<Interaction>> interactions = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        if (decoded) {
          int start = bytes.length - in.available();
          Interaction e = EventBinary.readInteraction(in);
          SourceRecord r = SourceRecord.readFrom(in);
          interactions.add(
              new Entry<>(
                  e.eventId(), e.eventTime().toEpochMilli(), e, r, slice(bytes, start, in)));
        } else {
          interactions.add(
              readRecordsOnly(in, codecs.interactions()::decodeTrusted, ImpressionState::entry));
        }
      }
      return new ImpressionState(search, interactions, closeAt);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The bytes from {@code start} to where {@code in} (reading {@code bytes}) has got. */
  private static byte[] slice(byte[] bytes, int start, DataInputStream in) throws IOException {
    return Arrays.copyOfRange(bytes, start, bytes.length - in.available());
  }

  /**
   * A format-1 entry: event id, event time, record; the event is decoded from the record's
   * (validated) value, whose event id and time are the ones format 1 stored.
   */
  private static <T> Entry<T> readRecordsOnly(
      DataInput in, Function<byte[], T> decode, BiFunction<T, SourceRecord, Entry<T>> entry)
      throws IOException {
    in.readUTF(); // event id
    in.readLong(); // event time
    SourceRecord record = SourceRecord.readFrom(in);
    return entry.apply(decode.apply(record.value()), record);
  }

  private static int sizeHint(ImpressionState s) {
    int n = 16;
    if (s.search() != null) {
      n += s.search().binary().length;
    }
    for (Entry<Interaction> e : s.interactions()) {
      n += e.binary().length;
    }
    return n;
  }
}
