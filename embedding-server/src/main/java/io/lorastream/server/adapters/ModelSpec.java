package io.lorastream.server.adapters;

import io.lorastream.model.adapter.AdapterKey;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a request's {@code model} names: {@code base} (the unadapted model), {@code <adapter>} (its
 * current version, or the pinned one) or {@code <adapter>@<version>} (exactly that version; the
 * version may be zero-padded as in Kafka keys: {@code scifact@3} and {@code scifact@000003} are the
 * same).
 *
 * @param adapter null for the base model
 * @param version null for "the version this adapter serves now"
 */
public record ModelSpec(String adapter, Integer version) {

  public static final String BASE = "base";

  private static final Pattern VERSIONED = Pattern.compile("(.+)@([0-9]{1,10})");

  public static final ModelSpec BASE_MODEL = new ModelSpec(null, null);

  /**
   * Parses a request's model name.
   *
   * @param baseModelName the base model's own name, accepted as a synonym of {@code base}
   * @throws IllegalArgumentException naming the accepted forms
   */
  public static ModelSpec parse(String model, String baseModelName) {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException(
          "model is required: 'base', '<adapter>' or '<adapter>@<version>'");
    }
    String m = model.strip();
    if (m.equals(BASE) || m.equals(baseModelName)) {
      return BASE_MODEL;
    }
    Matcher v = VERSIONED.matcher(m);
    String name = v.matches() ? v.group(1) : m;
    Integer version = null;
    if (v.matches()) {
      long parsed = Long.parseLong(v.group(2));
      if (parsed < 1 || parsed > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "model '"
                + model
                + "' names version "
                + parsed
                + "; versions are 1 to "
                + Integer.MAX_VALUE);
      }
      version = (int) parsed;
    }
    try {
      AdapterKey.requireValidName(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "model '" + model + "' is neither 'base' nor an adapter name: " + e.getMessage(), e);
    }
    return new ModelSpec(name, version);
  }

  public boolean isBase() {
    return adapter == null;
  }

  /** {@code <adapter>@<version>} without zero padding. */
  public static String versionId(String adapter, int version) {
    return adapter + "@" + version;
  }

  @Override
  public String toString() {
    return isBase() ? BASE : version == null ? adapter : versionId(adapter, version);
  }
}
