package io.lorastream.server.adapters;

import io.lorastream.model.adapter.AdapterKey;
import io.lorastream.model.adapter.AdapterVerification;
import io.lorastream.model.adapter.AdapterVerifier;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Start-up catch-up without loading every version ever published: while the adapters topic is replayed, only
 * the raw records of the newest {@code 2K} versions per adapter (and any pinned version) are kept, unverified.
 * At the end they are verified newest first until K per adapter are accepted; versions older than those would
 * never be served. Twice K leaves room for refused records among the newest.
 */
final class CatchUpBuffer {

  private record Raw(String key, byte[] value, Instant timestamp) {}

  private final int retained;
  private final int cap;
  private final Map<String, Integer> pinned;
  private final Map<String, TreeMap<Integer, Raw>> byAdapter = new HashMap<>();
  private int records;

  /**
   * @param retained K, versions kept per adapter
   * @param pinned pinned version per adapter, read from the pins topic before the adapters topic
   */
  CatchUpBuffer(int retained, Map<String, Integer> pinned) {
    this.retained = retained;
    this.cap = 2 * retained;
    this.pinned = Map.copyOf(pinned);
  }

  /**
   * Takes one record. Keys that do not parse are verified (and refused) at once; a tombstone drops its
   * version.
   */
  void add(String key, byte[] value, Instant timestamp, AdapterVerifier verifier, AdapterRegistry registry) {
    records++;
    AdapterKey k;
    try {
      k = AdapterKey.parse(key);
    } catch (IllegalArgumentException e) {
      if (verifier.verify(key, value) instanceof AdapterVerification.Refused r) {
        registry.refuse(r.reason().tag(), r.subject(), r.detail());
      }
      return;
    }
    TreeMap<Integer, Raw> versions = byAdapter.computeIfAbsent(k.adapter(), a -> new TreeMap<>());
    if (value == null) {
      versions.remove(k.version());
      return;
    }
    versions.put(k.version(), new Raw(key, value, timestamp));
    Integer pin = pinned.get(k.adapter());
    Iterator<Integer> oldestFirst = versions.keySet().iterator();
    while (versions.size() > cap + (pin != null && versions.containsKey(pin) ? 1 : 0) && oldestFirst.hasNext()) {
      int v = oldestFirst.next();
      if (pin == null || v != pin) {
        oldestFirst.remove();
      }
    }
  }

  /** Records read so far. */
  int records() {
    return records;
  }

  /** Verifies the kept records newest first and loads up to K accepted versions per adapter (plus a pinned one). */
  void drainInto(AdapterVerifier verifier, AdapterRegistry registry) {
    for (Map.Entry<String, TreeMap<Integer, Raw>> e : byAdapter.entrySet()) {
      Integer pin = pinned.get(e.getKey());
      int accepted = 0;
      for (Raw raw : e.getValue().descendingMap().values()) {
        boolean isPinned = pin != null && AdapterKey.parse(raw.key()).version() == pin;
        if (accepted >= retained && !isPinned) {
          continue;
        }
        AdapterVerification result = verifier.verify(raw.key(), raw.value());
        if (result instanceof AdapterVerification.Accepted a) {
          registry.accept(a.record().manifest(), a.weights(), raw.timestamp(), false);
          if (!isPinned || accepted < retained) {
            accepted++;
          }
        } else if (result instanceof AdapterVerification.Refused r) {
          registry.refuse(r.reason().tag(), r.subject(), r.detail());
        }
      }
    }
    byAdapter.clear();
  }
}
