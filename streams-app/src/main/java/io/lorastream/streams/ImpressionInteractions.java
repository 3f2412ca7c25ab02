package io.lorastream.streams;

import io.lorastream.schemas.Interaction;
import io.lorastream.streams.config.ImpressionLimits;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The interactions of the open impressions, one store entry each, and how many (and how many bytes)
 * each impression holds, within its {@link ImpressionLimits}.
 *
 * <p>Why a store of their own: kept in the impression's state, every interaction rewrote all the
 * ones before it, to the store and its changelog (20,000 interactions on one impression took the
 * app to 1.8 GB and the broker to 2.1 GB). Here an interaction is one write of its own size, a
 * replay one lookup by key, and the close of an impression one prefix scan.
 *
 * <p>Key: the impression id's UTF-8 length (2 bytes, big-endian), its UTF-8 bytes, then the event
 * id's (ids are at most 256 chars, so the length fits): the keys of one impression share a prefix
 * no other impression's key starts with. Value: the entry's binary form ({@link
 * ImpressionState.Entry#binary()}).
 *
 * <p>The tallies live in memory, rebuilt from the store at every init (when the store may have been
 * restored), as the processor's closing index is: only this task's processor writes the store. So
 * do the decoded interactions of the most recently active impressions that hold only a few, every
 * one kept since init: for those, a replay is found and a close is served without reading the store
 * (a scan and a decode per interaction cost more than the rest of a close).
 */
final class ImpressionInteractions {
  /**
   * Impressions whose decoded interactions are kept in memory (LRU), as {@link RecentImpressions}
   * keeps states.
   */
  static final int RECENT_IMPRESSIONS = 4096;

  /** More interactions than this and an impression's are read back from the store at its close. */
  static final int RECENT_MAX_INTERACTIONS = 8;

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

  /**
   * Every interaction kept for the impression, in arrival order; absent when unknown, evicted or
   * too many.
   */
  private final LinkedHashMap<String, List<ImpressionState.Entry<Interaction>>> recent;

  ImpressionInteractions(KeyValueStore<Bytes, byte[]> store, ImpressionLimits limits) {
    this(store, limits, RECENT_IMPRESSIONS);
  }

  ImpressionInteractions(
      KeyValueStore<Bytes, byte[]> store, ImpressionLimits limits, int recentImpressions) {
    this.store = store;
    this.limits = limits;
    this.recent =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(
              Map.Entry<String, List<ImpressionState.Entry<Interaction>>> eldest) {
            return size() > recentImpressions;
          }
        };
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

  /**
   * Keeps the interaction unless it is a replay or over a limit; constant work whatever the
   * impression holds.
   */
  Outcome offer(String impressionId, ImpressionState.Entry<Interaction> entry) {
    Bytes key = key(impressionId, entry.eventId());
    Tally t = tallies.get(impressionId);
    List<ImpressionState.Entry<Interaction>> known = t == null ? null : recent.get(impressionId);
    if (t != null && (known != null ? contains(known, entry.eventId()) : store.get(key) != null)) {
      return Outcome.DUPLICATE;
    }
    if (t != null && t.count >= limits.maxInteractions()) {
      return Outcome.TOO_MANY;
    }
    long size = size(key, entry.binary());
    if ((t == null ? 0 : t.bytes) + size > limits.maxBytes()) {
      return Outcome.TOO_LARGE;
    }
    store.put(key, entry.binary());
    count(impressionId, size);
    if (t == null) {
      List<ImpressionState.Entry<Interaction>> first = new ArrayList<>(4);
      first.add(entry);
      recent.put(impressionId, first);
    } else if (known != null && known.size() < RECENT_MAX_INTERACTIONS) {
      known.add(entry);
    } else if (known != null) {
      recent.remove(impressionId);
    }
    return Outcome.KEPT;
  }

  private static boolean contains(
      List<ImpressionState.Entry<Interaction>> entries, String eventId) {
    for (ImpressionState.Entry<Interaction> e : entries) {
      if (e.eventId().equals(eventId)) {
        return true;
      }
    }
    return false;
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

  /**
   * Removes the impression's interactions and returns them in the order they arrived (source
   * partition, offset).
   */
  List<ImpressionState.Entry<Interaction>> removeAll(String impressionId) {
    Tally t = tallies.remove(impressionId);
    List<ImpressionState.Entry<Interaction>> known = recent.remove(impressionId);
    if (t == null) {
      return List.of(); // nothing kept: no scan
    }
    if (known != null && known.size() == t.count) {
      for (ImpressionState.Entry<Interaction> e : known) {
        store.put(key(impressionId, e.eventId()), null);
      }
      return known; // in arrival order already
    }
    List<Bytes> keys = new ArrayList<>();
    List<ImpressionState.Entry<Interaction>> out = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it =
        store.prefixScan(prefix(impressionId), new BytesSerializer())) {
      it.forEachRemaining(
          kv -> {
            keys.add(kv.key);
            out.add(ImpressionState.interactionEntry(kv.value));
          });
    }
    for (Bytes k : keys) {
      store.put(k, null); // a tombstone, as delete writes, without reading the old value back
    }
    out.sort(
        Comparator.comparingInt((ImpressionState.Entry<Interaction> e) -> e.record().partition())
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
    return Bytes.wrap(
        ByteBuffer.allocate(2 + imp.length + event.length)
            .putShort((short) imp.length)
            .put(imp)
            .put(event)
            .array());
  }

  static Bytes prefix(String impressionId) {
    byte[] imp = impressionId.getBytes(StandardCharsets.UTF_8);
    return Bytes.wrap(
        ByteBuffer.allocate(2 + imp.length).putShort((short) imp.length).put(imp).array());
  }

  private static String impressionOf(Bytes key) {
    ByteBuffer b = ByteBuffer.wrap(key.get());
    int n = Short.toUnsignedInt(b.getShort());
    return new String(key.get(), 2, n, StandardCharsets.UTF_8);
  }
}
