package io.lorastream.streams;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The impressions store with its most recently used states kept decoded. Every write goes to the
 * store (and so to its changelog) as before; reads of a recent impression skip the store and the
 * binary decode of its state, which was a tenth of the stream thread's time: an impression is read
 * back for each of its interactions and again at its close, mostly within a few hundred impressions
 * of its last write.
 *
 * <p>Only this task's processor writes the store, so a decoded copy cannot go stale while the
 * processor runs; the processor makes a new one at every init, i.e. whenever the store may have
 * been restored from its changelog.
 */
final class RecentImpressions {
  /**
   * About 4 KB per decoded state: a few MB of heap, enough for the interactions and closes of a
   * busy task.
   */
  static final int DEFAULT_CAPACITY = 4096;

  private final KeyValueStore<String, ImpressionState> store;
  private final LinkedHashMap<String, ImpressionState> recent;

  RecentImpressions(KeyValueStore<String, ImpressionState> store, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    this.store = store;
    this.recent =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, ImpressionState> eldest) {
            return size() > capacity;
          }
        };
  }

  ImpressionState get(String impressionId) {
    ImpressionState state = recent.get(impressionId);
    if (state != null) {
      return state;
    }
    state = store.get(impressionId);
    if (state != null) {
      recent.put(impressionId, state);
    }
    return state;
  }

  void put(String impressionId, ImpressionState state) {
    store.put(impressionId, state);
    recent.put(impressionId, state);
  }

  /**
   * Deletes by putting null (a tombstone in the changelog, as {@code delete} writes): {@code
   * delete} would decode the old state only to return it.
   */
  void delete(String impressionId) {
    store.put(impressionId, null);
    recent.remove(impressionId);
  }

  int decodedSize() {
    return recent.size();
  }
}
