package io.lorastream.trainer;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** Flat configuration keys that remember which were read, so a typo fails instead of being ignored. */
final class ConfigKeys {
  private final Map<String, String> values;
  private final Map<String, Boolean> used = new TreeMap<>();
  private final java.util.Set<String> asked = new java.util.TreeSet<>();

  ConfigKeys(Map<String, String> values) {
    this.values = values;
    values.keySet().forEach(k -> used.put(k, false));
  }

  <T> T get(String key, T fallback, Function<String, T> parse) {
    asked.add(key);
    String raw = values.get(key);
    if (raw == null) {
      return fallback;
    }
    used.put(key, true);
    try {
      return parse.apply(raw.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("setting " + key + "='" + raw + "' is invalid: " + e.getMessage(), e);
    }
  }

  /** Keys starting with {@code prefix}, prefix removed; all marked as read. */
  Map<String, String> withPrefix(String prefix) {
    asked.add(prefix + "*");
    Map<String, String> out = new TreeMap<>();
    values.forEach((k, v) -> {
      if (k.startsWith(prefix) && k.length() > prefix.length()) {
        out.put(k.substring(prefix.length()), v.strip());
        used.put(k, true);
      }
    });
    return out;
  }

  /** Every key asked for so far; a prefix read with {@link #withPrefix} as {@code prefix*}. For the docs test. */
  java.util.Set<String> asked() {
    return java.util.Collections.unmodifiableSet(asked);
  }

  void failOnUnused() {
    var unknown = used.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).toList();
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown setting(s) " + unknown + "; the keys are listed in docs/configuration.md (e.g. lr,"
              + " batch_size, commit_interval, adapters.<name>.<key>, kafka.<property>)");
    }
  }

  static boolean bool(String s) {
    return switch (s.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw new IllegalArgumentException("'" + s + "' is not true or false");
    };
  }
}
