package io.lorastream.trainer;

import io.lorastream.trainer.step.AdapterTrainer;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * The adapters this instance trains, by name (in name order): added when their first pair arrives
 * or their partition is assigned, closed and dropped with their partition. Not thread-safe: the
 * trainer's poll thread drives it.
 */
final class TrainedAdapters {

  private final Map<String, AdapterTrainer> byName = new TreeMap<>();

  /** The adapter named {@code name}, or null. */
  AdapterTrainer get(String name) {
    return byName.get(name);
  }

  void add(AdapterTrainer t) {
    byName.put(t.name(), t);
  }

  int size() {
    return byName.size();
  }

  /** Every adapter, in name order (a live, read-only view). */
  Collection<AdapterTrainer> all() {
    return Collections.unmodifiableCollection(byName.values());
  }

  /** The adapters by name (a live, read-only view). */
  Map<String, AdapterTrainer> view() {
    return Collections.unmodifiableMap(byName);
  }

  /** Closes and drops the adapters that train from {@code parts}. */
  void drop(Collection<TopicPartition> parts) {
    Iterator<AdapterTrainer> it = byName.values().iterator();
    while (it.hasNext()) {
      AdapterTrainer t = it.next();
      if (parts.contains(t.input())) {
        t.close();
        it.remove();
      }
    }
  }

  /** Closes and drops every adapter. */
  void closeAll() {
    byName.values().forEach(AdapterTrainer::close);
    byName.clear();
  }
}
