package io.lorastream.service;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A service's settings as flat kebab-case keys ({@code batch.max-size}), read once each. The
 * service asks for every key it knows ({@link #get}, {@link #raw}) and for the maps it passes on
 * verbatim ({@link #withPrefix}: Kafka client properties, per-tenant routes); then {@link
 * #failOnUnknown} refuses what nobody asked for: an old spelling of a known key ({@code
 * metrics_port}) with the new one, any other key with the nearest known one. A blank value is an
 * absent one: the key takes its default.
 */
public final class Settings {
  private final Map<String, String> values;
  private final Set<String> emptySections;
  private final Set<String> used = new HashSet<>();
  private final Set<String> asked = new TreeSet<>();

  /**
   * @param values flat keys and their values
   * @param emptySections keys of empty YAML mappings ({@code adapters: {scifact: {}}} gives {@code
   *     adapters.scifact}): they declare a name without settings
   */
  public Settings(Map<String, String> values, Set<String> emptySections) {
    this.values = Map.copyOf(values);
    this.emptySections = Set.copyOf(emptySections);
  }

  /** Settings given in code (tests, command-line options): flat keys, no empty mappings. */
  public static Settings of(Map<String, String> values) {
    return new Settings(values, Set.of());
  }

  /** The stripped value of {@code key}; null when absent or blank. */
  public String raw(String key) {
    asked.add(key);
    used.add(key);
    String v = values.get(key);
    return v == null || v.isBlank() ? null : v.strip();
  }

  /**
   * {@code key} parsed, or {@code fallback} when absent or blank. A value {@code parse} refuses
   * fails as {@code setting KEY='VALUE' is invalid: WHY}.
   */
  public <T> T get(String key, T fallback, Function<String, T> parse) {
    String v = raw(key);
    if (v == null) {
      return fallback;
    }
    try {
      return parse.apply(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "setting " + key + "='" + v + "' is invalid: '" + v + "' is not a number", e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "setting " + key + "='" + v + "' is invalid: " + e.getMessage(), e);
    }
  }

  /**
   * The keys under {@code prefix} (e.g. {@code kafka.}), the prefix removed and the rest left as
   * written: Kafka property names such as {@code security.protocol} are never renamed. Sorted;
   * values stripped.
   */
  public Map<String, String> withPrefix(String prefix) {
    asked.add(prefix + "*");
    Map<String, String> out = new TreeMap<>();
    values.forEach(
        (k, v) -> {
          if (k.startsWith(prefix) && k.length() > prefix.length()) {
            out.put(k.substring(prefix.length()), v.strip());
            used.add(k);
          }
        });
    return out;
  }

  /**
   * The names under {@code prefix} declared by an empty mapping ({@code adapters: {scifact: {}}}),
   * prefix removed.
   */
  public Set<String> emptySectionsUnder(String prefix) {
    Set<String> out = new TreeSet<>();
    emptySections.stream()
        .filter(s -> s.startsWith(prefix) && s.length() > prefix.length())
        .forEach(s -> out.add(s.substring(prefix.length())));
    return out;
  }

  /**
   * Every key asked for so far; a prefix read with {@link #withPrefix} as {@code prefix*}. For the
   * docs tests.
   */
  public Set<String> asked() {
    return Collections.unmodifiableSet(asked);
  }

  /**
   * Fails on a key nobody asked for: an old spelling names the new one, a typo the nearest known
   * key.
   */
  public void failOnUnknown() {
    List<String> renamed = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    Set<String> candidates = new TreeSet<>(values.keySet());
    candidates.removeAll(used);
    emptySections.stream().filter(s -> !underAskedPrefix(s + ".")).forEach(candidates::add);
    for (String key : candidates) {
      String kebab = KeySpelling.kebab(key);
      if (!kebab.equals(key) && known(kebab)) {
        renamed.add("`" + key + "` is now spelled `" + kebab + "`");
      } else {
        unknown.add(key);
      }
    }
    if (renamed.isEmpty() && unknown.isEmpty()) {
      return;
    }
    StringBuilder message = new StringBuilder(String.join("; ", renamed));
    if (!unknown.isEmpty()) {
      if (!renamed.isEmpty()) {
        message.append("; ");
      }
      message.append("unknown setting(s) ").append(unknown).append(" (nearest known: ");
      for (int i = 0; i < unknown.size(); i++) {
        message
            .append(i == 0 ? "" : ", ")
            .append(unknown.get(i))
            .append(" -> ")
            .append(KeySpelling.nearest(unknown.get(i), asked));
      }
      message.append("); docs/configuration.md lists every key");
    }
    throw new IllegalArgumentException(message.toString());
  }

  private boolean known(String key) {
    return asked.contains(key) || underAskedPrefix(key);
  }

  private boolean underAskedPrefix(String key) {
    return asked.stream()
        .anyMatch(a -> a.endsWith("*") && key.startsWith(a.substring(0, a.length() - 1)));
  }
}
