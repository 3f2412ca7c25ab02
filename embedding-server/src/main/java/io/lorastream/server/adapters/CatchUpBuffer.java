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
 * Start-up catch-up without loading every version ever published: while the adapters topic is
 * replayed, the raw records of the newest {@code 2K} <em>authentic</em> versions per adapter (and
 * any pinned version) are kept. A record is authentic when {@link AdapterVerifier#screen} passes it
 * (format, signature, key, base model: cheap, no weights decoded); anything else is refused and
 * counted as it is read, so junk records with high version numbers take no place and cannot push
 * signed versions out. At the end the kept records are verified in full, newest first, until K per
 * adapter are accepted; older ones would never be served. Twice K leaves room for signed records
 * that still fail the full check (shapes, values).
 *
 * <p>Tombstones: one with the publisher's signed withdrawal drops its version (and the registry
 * remembers it); one without is ignored and counted, as on a running server, so a restarted replica
 * serves what the others serve.
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
   * Takes one record.
   *
   * @param withdrawal the signed-withdrawal header of a tombstone, or null
   */
  void add(
      String key,
      byte[] value,
      byte[] withdrawal,
      Instant timestamp,
      AdapterVerifier verifier,
      AdapterRegistry registry) {
    records++;
    if (value == null) {
      tombstone(key, withdrawal, verifier, registry);
      return;
    }
    AdapterVerification.Refused refused = verifier.screen(key, value);
    if (refused != null) {
      registry.refuse(refused.reason().tag(), refused.subject(), refused.detail());
      return;
    }
    AdapterKey k = AdapterKey.parse(key); // screen() parsed it already
    if (registry.isWithdrawn(k)) {
      registry.refuse(
          AdapterRegistry.WITHDRAWN,
          key,
          "adapter record "
              + key
              + " was withdrawn by its publisher"
              + " earlier in the topic; not loaded");
      return;
    }
    TreeMap<Integer, Raw> versions = byAdapter.computeIfAbsent(k.adapter(), a -> new TreeMap<>());
    versions.put(k.version(), new Raw(key, value, timestamp));
    Integer pin = pinned.get(k.adapter());
    Iterator<Integer> oldestFirst = versions.keySet().iterator();
    while (versions.size() > cap + (pin != null && versions.containsKey(pin) ? 1 : 0)
        && oldestFirst.hasNext()) {
      int v = oldestFirst.next();
      if (pin == null || v != pin) {
        oldestFirst.remove();
      }
    }
  }

  private void tombstone(
      String key, byte[] withdrawal, AdapterVerifier verifier, AdapterRegistry registry) {
    AdapterVerification v = verifier.verify(key, null, withdrawal);
    if (v instanceof AdapterVerification.Withdrawn w) {
      TreeMap<Integer, Raw> versions = byAdapter.get(w.key().adapter());
      if (versions != null) {
        versions.remove(w.key().version());
      }
      registry.withdraw(w.withdrawal());
    } else if (v instanceof AdapterVerification.Deleted d) {
      registry.ignoreTombstone(d.key());
    } else if (v instanceof AdapterVerification.Refused r) {
      registry.refuse(r.reason().tag(), r.subject(), r.detail());
    }
  }

  /** Records read so far. */
  int records() {
    return records;
  }

  /**
   * Verifies the kept records newest first and loads up to K accepted versions per adapter (plus a
   * pinned one).
   */
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
