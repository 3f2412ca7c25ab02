package io.lorastream.model.adapter;

import java.util.Locale;

/**
 * Why an adapter (a Kafka record or a folder) was refused. A small fixed set, so it can tag a
 * metric ({@link #tag()}), e.g. {@code lorastream.server.adapters.refused{reason=bad_signature}}.
 */
public enum RefusalReason {
  /** The container, manifest, adapter_config.json or safetensors bytes do not parse. */
  MALFORMED,
  /** A format version this reader does not accept (it reads the current one and the one before). */
  UNSUPPORTED_VERSION,
  /** The Ed25519 signature does not verify against the configured public key. */
  BAD_SIGNATURE,
  /** The weights' sha256 differs from the one the manifest states. */
  CHECKSUM_MISMATCH,
  /**
   * The Kafka key names another adapter or version than the signed manifest (a replayed record).
   */
  KEY_MISMATCH,
  /** Made for another base model (name or weights hash). */
  OTHER_BASE_MODEL,
  /** Factor shapes, rank or layer count do not fit the encoder. */
  SHAPE_MISMATCH,
  /**
   * A PEFT option lorastream does not implement (DoRA, biases, modules_to_save, per-module ranks,
   * ...).
   */
  UNSUPPORTED_ADAPTER,
  /** A factor holds NaN or infinity. */
  NON_FINITE;

  /** Lowercase name for metric tags and logs. */
  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }
}
