package io.lorastream.model;

import java.nio.file.Path;

/**
 * Where lorastream keeps converted models and caches: {@code $LORASTREAM_HOME}, else the system
 * property {@code lorastream.home}, else {@code ~/.lorastream}.
 */
public final class LorastreamHome {

  private LorastreamHome() {}

  public static Path dir() {
    String env = System.getenv("LORASTREAM_HOME");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    String prop = System.getProperty("lorastream.home");
    if (prop != null && !prop.isBlank()) {
      return Path.of(prop);
    }
    return Path.of(System.getProperty("user.home"), ".lorastream");
  }
}
