package io.lorastream.schemas;

/** The contract version every event carries in {@code schema_version}. */
public final class SchemaVersion {
  /** The version written by this code. */
  public static final int CURRENT = 1;

  private SchemaVersion() {}

  /** Readers accept the current version (and, once there is one, the previous). */
  public static boolean isSupported(int version) {
    return version == CURRENT;
  }
}
