package io.lorastream.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;

/**
 * A settings file, {@code .yaml}/{@code .yml} or {@code .properties}, as flat keys: YAML nesting is
 * joined with dots ({@code batch: {max-size: 32}} is {@code batch.max-size}), YAML lists with
 * commas, an empty mapping declares a name ({@code adapters: {scifact: {}}}). Every error while
 * reading or building from it names the file.
 */
public final class SettingsFile {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final Path file;
  private final Map<String, String> values;
  private final Set<String> emptySections;

  private SettingsFile(Path file, Map<String, String> values, Set<String> emptySections) {
    this.file = file;
    this.values = values;
    this.emptySections = emptySections;
  }

  /**
   * Reads {@code file}; fails naming it when it is missing, unreadable, of another kind or not a
   * mapping.
   */
  public static SettingsFile read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "config file " + file + " does not exist or is not a file");
    }
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    Map<String, String> values = new LinkedHashMap<>();
    Set<String> emptySections = new LinkedHashSet<>();
    try (Reader reader = Files.newBufferedReader(file)) {
      if (name.endsWith(".yaml") || name.endsWith(".yml")) {
        JsonNode root = YAML.readTree(reader);
        if (root != null && !root.isNull() && !root.isMissingNode()) {
          if (!root.isObject()) {
            throw new IllegalArgumentException(
                "config file " + file + " must hold a YAML mapping of keys");
          }
          flatten("", root, values, emptySections);
        }
      } else if (name.endsWith(".properties")) {
        Properties props = new Properties();
        props.load(reader);
        props.stringPropertyNames().forEach(k -> values.put(k, props.getProperty(k).strip()));
      } else {
        throw new IllegalArgumentException(
            "config file " + file + " must end in .properties, .yaml or .yml");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read config file " + file + ": " + e.getMessage(), e);
    }
    return new SettingsFile(file, values, emptySections);
  }

  /**
   * Reads {@code file}, lays {@code overrides} (command-line options) over its keys and builds the
   * service's config from them with {@code build}, which asks for its keys and ends with {@link
   * Settings#failOnUnknown}. Errors are prefixed with {@code config file PATH: }.
   */
  public static <T> T load(Path file, Map<String, String> overrides, Function<Settings, T> build) {
    SettingsFile read = read(file);
    Map<String, String> values = new LinkedHashMap<>(read.values);
    values.putAll(overrides);
    try {
      return build.apply(new Settings(values, read.emptySections));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("config file " + file + ": " + e.getMessage(), e);
    }
  }

  /** The flat keys as read (no empty mappings). */
  public Map<String, String> values() {
    return Map.copyOf(values);
  }

  public Path file() {
    return file;
  }

  private static void flatten(
      String key, JsonNode node, Map<String, String> values, Set<String> emptySections) {
    if (node.isObject()) {
      if (node.isEmpty() && !key.isEmpty()) {
        emptySections.add(key);
      }
      node.fields()
          .forEachRemaining(
              e ->
                  flatten(
                      key.isEmpty() ? e.getKey() : key + "." + e.getKey(),
                      e.getValue(),
                      values,
                      emptySections));
    } else if (node.isArray()) {
      StringBuilder csv = new StringBuilder();
      node.forEach(item -> csv.append(csv.length() == 0 ? "" : ",").append(item.asText()));
      values.put(key, csv.toString());
    } else if (!node.isNull()) {
      values.put(key, node.asText());
    }
  }
}
