package io.lorastream.streams;

import io.lorastream.schemas.Interaction;
import io.lorastream.schemas.InteractionType;
import io.lorastream.schemas.SearchEvent;
import io.lorastream.schemas.ShownResult;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Validated events in the compact binary form the impression state keeps next to their original
 * bytes, so that an impression's close reads them back without parsing JSON again (that parse was a
 * tenth of the stream thread's time). Every field is kept (instants to the nanosecond), so a read
 * gives back an equal record. Strings are length-prefixed UTF-8 (-1 for null); the interaction type
 * has a fixed code, independent of the enum's order.
 */
final class EventBinary {
  private EventBinary() {}

  static void writeSearch(DataOutput out, SearchEvent e) throws IOException {
    out.writeInt(e.schemaVersion());
    writeString(out, e.eventId());
    writeString(out, e.tenant());
    writeInstant(out, e.eventTime());
    writeString(out, e.impressionId());
    writeString(out, e.sessionId());
    writeString(out, e.query());
    writeString(out, e.queryId());
    out.writeInt(e.results().size());
    for (ShownResult r : e.results()) {
      writeString(out, r.docId());
      out.writeInt(r.rank());
      out.writeDouble(r.score());
    }
    writeString(out, e.modelVersion());
    writeString(out, e.adapterVersion());
  }

  static SearchEvent readSearch(DataInput in) throws IOException {
    int version = in.readInt();
    String eventId = readString(in);
    String tenant = readString(in);
    Instant eventTime = readInstant(in);
    String impressionId = readString(in);
    String sessionId = readString(in);
    String query = readString(in);
    String queryId = readString(in);
    int n = in.readInt();
    List<ShownResult> results = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      results.add(new ShownResult(readString(in), in.readInt(), in.readDouble()));
    }
    return new SearchEvent(
        version,
        eventId,
        tenant,
        eventTime,
        impressionId,
        sessionId,
        query,
        queryId,
        results,
        readString(in),
        readString(in));
  }

  static void writeInteraction(DataOutput out, Interaction e) throws IOException {
    out.writeInt(e.schemaVersion());
    writeString(out, e.eventId());
    writeString(out, e.tenant());
    writeInstant(out, e.eventTime());
    writeString(out, e.impressionId());
    writeString(out, e.docId());
    out.writeByte(
        switch (e.type()) {
          case CLICK -> 1;
          case DWELL -> 2;
          case THUMBS_UP -> 3;
          case THUMBS_DOWN -> 4;
        });
    out.writeBoolean(e.dwellMs() != null);
    if (e.dwellMs() != null) {
      out.writeLong(e.dwellMs());
    }
  }

  static Interaction readInteraction(DataInput in) throws IOException {
    int version = in.readInt();
    String eventId = readString(in);
    String tenant = readString(in);
    Instant eventTime = readInstant(in);
    String impressionId = readString(in);
    String docId = readString(in);
    byte code = in.readByte();
    InteractionType type =
        switch (code) {
          case 1 -> InteractionType.CLICK;
          case 2 -> InteractionType.DWELL;
          case 3 -> InteractionType.THUMBS_UP;
          case 4 -> InteractionType.THUMBS_DOWN;
          default ->
              throw new IOException(
                  "unknown interaction type code " + code + " in impression state");
        };
    Long dwellMs = in.readBoolean() ? in.readLong() : null;
    return new Interaction(version, eventId, tenant, eventTime, impressionId, docId, type, dwellMs);
  }

  static void writeString(DataOutput out, String s) throws IOException {
    if (s == null) {
      out.writeInt(-1);
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  static String readString(DataInput in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  private static void writeInstant(DataOutput out, Instant t) throws IOException {
    out.writeLong(t.getEpochSecond());
    out.writeInt(t.getNano());
  }

  private static Instant readInstant(DataInput in) throws IOException {
    return Instant.ofEpochSecond(in.readLong(), in.readInt());
  }
}
