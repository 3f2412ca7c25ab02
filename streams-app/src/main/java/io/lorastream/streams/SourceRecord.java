package io.lorastream.streams;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * An input record as it arrived: where from, and its key, value and headers untouched. Kept in
 * state so that an event judged bad later (orphaned, outside its window, naming an unknown
 * document) is dead-lettered with its original bytes.
 */
public record SourceRecord(
    String topic,
    int partition,
    long offset,
    long timestamp,
    byte[] key,
    byte[] value,
    List<HeaderBytes> headers) {

  /** One header, copyable. */
  public record HeaderBytes(String key, byte[] value) {}

  public SourceRecord {
    headers = List.copyOf(headers == null ? List.of() : headers);
  }

  public static List<HeaderBytes> copyOf(Headers headers) {
    List<HeaderBytes> out = new ArrayList<>();
    if (headers != null) {
      for (Header h : headers) {
        out.add(new HeaderBytes(h.key(), h.value()));
      }
    }
    return out;
  }

  public Headers kafkaHeaders() {
    RecordHeaders out = new RecordHeaders();
    headers.forEach(h -> out.add(h.key(), h.value()));
    return out;
  }

  void writeTo(DataOutput out) throws IOException {
    out.writeUTF(topic);
    out.writeInt(partition);
    out.writeLong(offset);
    out.writeLong(timestamp);
    writeBytes(out, key);
    writeBytes(out, value);
    out.writeShort(headers.size());
    for (HeaderBytes h : headers) {
      out.writeUTF(h.key());
      writeBytes(out, h.value());
    }
  }

  static SourceRecord readFrom(DataInput in) throws IOException {
    String topic = in.readUTF();
    int partition = in.readInt();
    long offset = in.readLong();
    long timestamp = in.readLong();
    byte[] key = readBytes(in);
    byte[] value = readBytes(in);
    int n = in.readShort();
    List<HeaderBytes> headers = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      headers.add(new HeaderBytes(in.readUTF(), readBytes(in)));
    }
    return new SourceRecord(topic, partition, offset, timestamp, key, value, headers);
  }

  static void writeBytes(DataOutput out, byte[] bytes) throws IOException {
    if (bytes == null) {
      out.writeInt(-1);
    } else {
      out.writeInt(bytes.length);
      out.write(bytes);
    }
  }

  static byte[] readBytes(DataInput in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }
}
