package io.lorastream.streams;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
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
 * so far, each kept as its original record. Values are already validated; they are parsed again only at close.
 *
 * @param closeAtMs the stream time at which this state is closed (window end + grace, or an orphan's deadline)
 */
public record ImpressionState(Entry search, List<Entry> interactions, long closeAtMs) {

  /** One validated event: its id and event time (for dedupe and windows without parsing) and the record itself. */
  public record Entry(String eventId, long eventTimeMs, SourceRecord record) {}

  private static final byte VERSION = 1;

  public ImpressionState {
    interactions = List.copyOf(interactions);
  }

  public boolean hasEvent(String eventId) {
    return (search != null && search.eventId().equals(eventId))
        || interactions.stream().anyMatch(e -> e.eventId().equals(eventId));
  }

  public ImpressionState withInteraction(Entry e) {
    List<Entry> more = new ArrayList<>(interactions.size() + 1);
    more.addAll(interactions);
    more.add(e);
    return new ImpressionState(search, more, closeAtMs);
  }

  public ImpressionState withSearch(Entry e, long newCloseAtMs) {
    return new ImpressionState(e, interactions, newCloseAtMs);
  }

  /** A small binary format (a version byte first): this is read and written for every event on the hot path. */
  public static Serde<ImpressionState> serde() {
    Serializer<ImpressionState> ser = (topic, state) -> state == null ? null : write(state);
    Deserializer<ImpressionState> de = (topic, bytes) -> bytes == null ? null : read(bytes);
    return Serdes.serdeFrom(ser, de);
  }

  private static byte[] write(ImpressionState s) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(VERSION);
      out.writeLong(s.closeAtMs());
      out.writeBoolean(s.search() != null);
      if (s.search() != null) {
        writeEntry(out, s.search());
      }
      out.writeInt(s.interactions().size());
      for (Entry e : s.interactions()) {
        writeEntry(out, e);
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ImpressionState read(byte[] bytes) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
      byte version = in.readByte();
      if (version != VERSION) {
        throw new IllegalStateException(
            "impression state format " + version + " is not readable by this version (reads " + VERSION
                + "); reset the application's state to upgrade");
      }
      long closeAt = in.readLong();
      Entry search = in.readBoolean() ? readEntry(in) : null;
      int n = in.readInt();
      List<Entry> interactions = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        interactions.add(readEntry(in));
      }
      return new ImpressionState(search, interactions, closeAt);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeEntry(DataOutputStream out, Entry e) throws IOException {
    out.writeUTF(e.eventId());
    out.writeLong(e.eventTimeMs());
    e.record().writeTo(out);
  }

  private static Entry readEntry(DataInputStream in) throws IOException {
    return new Entry(in.readUTF(), in.readLong(), SourceRecord.readFrom(in));
  }
}
