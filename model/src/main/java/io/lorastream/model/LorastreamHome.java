package io.lorastream.model;

import java.nio.file.Path;

/**
 * Where lorastream keeps converted models and caches: the system property {@value #PROPERTY}, else
 * the environment variable {@value #ENV}, else {@code ~/.lorastream}.
 */
public final class LorastreamHome {

  /** System property naming the home folder; wins over the environment variable. */
  public static final String PROPERTY = "lorastream.home";

  /** Environment variable naming the home folder. */
  public static final String ENV = "LORASTREAM_HOME";

  private LorastreamHome() {}

  public static Path dir() {
    return resolve(
        System.getProperty(PROPERTY), System.getenv(ENV), System.getProperty("user.home"));
  }

  static Path resolve(String property, String env, String userHome) {
    if (property != null && !property.isBlank()) {
      return Path.of(property);
    }
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return Path.of(userHome, ".lorastream");
  }
}
