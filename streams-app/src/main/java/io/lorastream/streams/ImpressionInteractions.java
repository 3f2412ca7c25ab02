package io.lorastream.streams;

import io.lorastream.schemas.Interaction;
import io.lorastream.streams.config.ImpressionLimits;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The interactions of the open impressions, one store entry each, and how many (and how many bytes) each impression
 * holds, within its {@link ImpressionLimits}.
 *
 * <p>Why a store of their own: kept in the impression's state, every interaction rewrote all the ones before it, to
 * the store and its changelog (20,000 interactions on one impression took the app to 1.8 GB and the broker to 2.1
 * GB). Here an interaction is one write of its own size, a replay one lookup by key, and the close of an impression
 * one prefix scan.
 *
 * <p>Key: the impression id's UTF-8 length (2 bytes, big-endian), its UTF-8 bytes, then the event id's (ids are at
 * most 256 chars, so the length fits): the keys of one impression share a prefix no other impression's key starts
 * with. Value: the entry's binary form ({@link ImpressionState.Entry#binary()}).
 *
 * <p>The tallies live in memory, rebuilt from the store at every init (when the store may have been restored), as
 * the processor's closing index is: only this task's processor writes the store.
 */
final class ImpressionInteractions {

  /** What became of an interaction offered to its impression. */
  enum Outcome {
    KEPT,
    /** The same event id is already kept: a replay. */
    DUPLICATE,
    /** The impression holds {@code max-interactions-per-impression} already. */
    TOO_MANY,
    /** Keeping it would take the impression past {@code max-impression-bytes}. */
    TOO_LARGE
  }

  /** Interactions and their bytes in the store, per impression with at least one. */
  private static final class Tally {
    int count;
    long bytes;
  }

  private final KeyValueStore<Bytes, byte[]> store;
  private final ImpressionLimits limits;
  private final Map<String, Tally> tallies = new HashMap<>();

  ImpressionInteractions(KeyValueStore<Bytes, byte[]> store, ImpressionLimits limits) {
    this.store = store;
    this.limits = limits;
    try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
      it.forEachRemaining(kv -> count(impressionOf(kv.key), size(kv.key, kv.value)));
    }
  }

  /** Counts interactions an impression state holds itself (states written in format 1 or 2). */
  void countLegacy(String impressionId, List<ImpressionState.Entry<Interaction>> legacy) {
    for (ImpressionState.Entry<Interaction> e : legacy) {
      count(impressionId, e.binary().length);
    }
  }

  /** Keeps the interaction unless it is a replay or over a limit; constant work whatever the impression holds. */
  Outcome offer(String impressionId, ImpressionState.Entry<Interaction> entry) {
    Bytes key = key(impressionId, entry.eventId());
    if (store.get(key) != null) {
      return Outcome.DUPLICATE;
    }
    Tally t = tallies.get(impressionId);
    if (t != null && t.count >= limits.maxInteractions()) {
      return Outcome.TOO_MANY;
    }
    long size = size(key, entry.binary());
    if ((t == null ? 0 : t.bytes) + size > limits.maxBytes()) {
      return Outcome.TOO_LARGE;
    }
    store.put(key, entry.binary());
    count(impressionId, size);
    return Outcome.KEPT;
  }

  /** Interactions kept for the impression (0 if none). */
  int count(String impressionId) {
    Tally t = tallies.get(impressionId);
    return t == null ? 0 : t.count;
  }

  /** Bytes the impression's interactions take in the store, keys included (0 if none). */
  long bytes(String impressionId) {
    Tally t = tallies.get(impressionId);
    return t == null ? 0 : t.bytes;
  }

  /** What an entry takes in the store. */
  static long size(ImpressionState.Entry<Interaction> entry, String impressionId) {
    return size(key(impressionId, entry.eventId()), entry.binary());
  }

  /** Removes the impression's interactions and returns them in the order they arrived (source partition, offset). */
  List<ImpressionState.Entry<Interaction>> removeAll(String impressionId) {
    if (tallies.remove(impressionId) == null) {
      return List.of(); // nothing kept: no scan
    }
    List<Bytes> keys = new ArrayList<>();
    List<ImpressionState.Entry<Interaction>> out = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it = store.prefixScan(prefix(impressionId), new BytesSerializer())) {
      it.forEachRemaining(
          kv -> {
            keys.add(kv.key);
            out.add(ImpressionState.interactionEntry(kv.value));
          });
    }
    for (Bytes k : keys) {
      store.put(k, null); // a tombstone, as delete writes, without reading the old value back
    }
    out.sort(Comparator.comparingInt((ImpressionState.Entry<Interaction> e) -> e.record().partition())
        .thenComparingLong(e -> e.record().offset()));
    return out;
  }

  private void count(String impressionId, long size) {
    Tally t = tallies.computeIfAbsent(impressionId, id -> new Tally());
    t.count++;
    t.bytes += size;
  }

  private static long size(Bytes key, byte[] value) {
    return key.get().length + (long) value.length;
  }

  static Bytes key(String impressionId, String eventId) {
    byte[] imp = impressionId.getBytes(StandardCharsets.UTF_8);
    byte[] event = eventId.getBytes(StandardCharsets.UTF_8);
    return Bytes.wrap(ByteBuffer.allocate(2 + imp.length + event.length)
        .putShort((short) imp.length).put(imp).put(event).array());
  }

  static Bytes prefix(String impressionId) {
    byte[] imp = impressionId.getBytes(StandardCharsets.UTF_8);
    return Bytes.wrap(ByteBuffer.allocate(2 + imp.length).putShort((short) imp.length).put(imp).array());
  }

  private static String impressionOf(Bytes key) {
    ByteBuffer b = ByteBuffer.wrap(key.get());
    int n = Short.toUnsignedInt(b.getShort());
    return new String(key.get(), 2, n, StandardCharsets.UTF_8);
  }
}
