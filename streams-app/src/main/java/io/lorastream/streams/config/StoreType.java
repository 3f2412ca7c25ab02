package io.lorastream.streams.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where the app's task state stores keep their data. Both kinds are backed by changelog topics, so
 * both survive a crash under exactly-once (an in-memory store is rebuilt from its changelog on
 * start).
 */
public enum StoreType {
  /**
   * RocksDB on local disk: state may exceed the heap; a restart restores only what the local
   * checkpoint lacks.
   */
  ROCKSDB,
  /**
   * Java heap: no JNI or serialized-bytes copies per access; state must fit the heap and is
   * restored on every start.
   */
  IN_MEMORY;

  /** The form used in config files: {@code rocksdb}, {@code in-memory}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static StoreType fromConfigName(String text) {
    return Arrays.stream(values())
        .filter(t -> t.configName().equals(text.strip().toLowerCase(Locale.ROOT)))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "'"
                        + text
                        + "' is not a store type; use one of "
                        + Arrays.stream(values())
                            .map(StoreType::configName)
                            .collect(Collectors.joining(", "))));
  }
}
