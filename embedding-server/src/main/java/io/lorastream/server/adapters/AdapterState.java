package io.lorastream.server.adapters;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The loaded versions of one adapter, by version number. Immutable: the registry builds a new one
 * for every change and swaps the whole catalog.
 */
public record AdapterState(String name, NavigableMap<Integer, AdapterVersion> versions) {

  public AdapterState {
    versions = Collections.unmodifiableNavigableMap(new TreeMap<>(versions));
  }

  static AdapterState empty(String name) {
    return new AdapterState(name, new TreeMap<>());
  }

  /** The newest loaded version, or null when none is. */
  public AdapterVersion latest() {
    var e = versions.lastEntry();
    return e == null ? null : e.getValue();
  }

  /**
   * The version {@code <adapter>} requests get: the pinned one while it is loaded, else the newest.
   *
   * @param pin this adapter's pin, or null
   */
  public AdapterVersion serving(PinRecord pin) {
    if (pin != null) {
      AdapterVersion pinned = versions.get(pin.version());
      if (pinned != null) {
        return pinned;
      }
    }
    return latest();
  }

  /** The newest loaded version below {@code version}, or null. */
  public AdapterVersion before(int version) {
    var e = versions.lowerEntry(version);
    return e == null ? null : e.getValue();
  }

  AdapterState with(AdapterVersion v) {
    TreeMap<Integer, AdapterVersion> next = new TreeMap<>(versions);
    next.put(v.version(), v);
    return new AdapterState(name, next);
  }

  AdapterState without(int version) {
    TreeMap<Integer, AdapterVersion> next = new TreeMap<>(versions);
    next.remove(version);
    return new AdapterState(name, next);
  }

  /**
   * Versions to drop so that the newest {@code k} remain, plus the pinned version if it is older:
   * an operator's pin outlives newer publications.
   *
   * @param pinnedVersion null when not pinned
   */
  List<AdapterVersion> beyondRetention(int k, Integer pinnedVersion) {
    List<AdapterVersion> out = new ArrayList<>();
    int kept = 0;
    for (AdapterVersion v : versions.descendingMap().values()) {
      if (kept < k) {
        kept++;
      } else if (pinnedVersion == null || v.version() != pinnedVersion) {
        out.add(v);
      }
    }
    return out;
  }

  /** Whether a version not loaded yet would be kept: it is among the newest {@code k} or pinned. */
  boolean wouldRetain(int version, int k, Integer pinnedVersion) {
    if (pinnedVersion != null && pinnedVersion == version) {
      return true;
    }
    if (versions.size() < k) {
      return true;
    }
    int newerOrEqual = versions.tailMap(version, true).size();
    return newerOrEqual < k;
  }
}
