package io.lorastream.model.adapter;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Kafka key of one adapter version on the adapters topic: {@code <adapter>@<version>}, the
 * version zero-padded to six digits ({@code scifact@000042}) so keys sort by version in tools. Keys
 * are canonical: compaction and tombstones match keys byte for byte, so {@link #parse} refuses
 * {@code scifact@42}.
 *
 * @param adapter adapter name: 1 to 64 of {@code a-z 0-9 . _ -}, starting with a letter or digit,
 *     not {@code base} (the API's name for the unadapted model)
 * @param version 1 or more, increasing per adapter
 */
public record AdapterKey(String adapter, int version) {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  private static final Pattern KEY = Pattern.compile("([a-z0-9][a-z0-9._-]{0,63})@([0-9]{6,10})");

  public AdapterKey {
    requireValidName(adapter);
    if (version < 1) {
      throw new IllegalArgumentException("adapter version must be >= 1, got " + version);
    }
  }

  /** Checks an adapter name, throwing with the rule when it breaks it. */
  public static String requireValidName(String adapter) {
    if (adapter == null || !NAME.matcher(adapter).matches()) {
      throw new IllegalArgumentException(
          "adapter name '"
              + adapter
              + "' is invalid: use 1 to 64 of a-z, 0-9, '.', '_', '-', starting with a"
              + " letter or digit");
    }
    if (adapter.equals("base")) {
      throw new IllegalArgumentException(
          "adapter name 'base' is reserved for the unadapted base model");
    }
    return adapter;
  }

  /** Parses a canonical key; throws naming the key and the expected form otherwise. */
  public static AdapterKey parse(String key) {
    Matcher m = key == null ? null : KEY.matcher(key);
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException(
          "adapter record key '"
              + key
              + "' is not of the form <adapter>@<version>, e.g. scifact@000042");
    }
    long version = Long.parseLong(m.group(2));
    if (version > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "adapter record key '" + key + "' has a version above " + Integer.MAX_VALUE);
    }
    AdapterKey parsed = new AdapterKey(m.group(1), (int) version);
    if (!parsed.toString().equals(key)) {
      throw new IllegalArgumentException(
          "adapter record key '" + key + "' is not canonical: expected '" + parsed + "'");
    }
    return parsed;
  }

  /**
   * The partition of the adapters topic for every version of this adapter. Kafka's default
   * partitioner hashes the whole key, which would scatter one adapter's versions over partitions;
   * publishing with this explicit partition keeps them in publication order in one partition.
   * {@link String#hashCode} is specified by the JLS, so every producer computes the same partition.
   */
  public int partition(int numPartitions) {
    if (numPartitions < 1) {
      throw new IllegalArgumentException("number of partitions must be >= 1, got " + numPartitions);
    }
    return Math.floorMod(adapter.hashCode(), numPartitions);
  }

  /** The key string, e.g. {@code scifact@000042}. */
  @Override
  public String toString() {
    return adapter + "@" + String.format("%06d", version);
  }
}
