package io.lorastream.server.config;

import io.lorastream.model.adapter.AdapterKeys;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Objects;

/**
 * Which adapter versions the server accepts and keeps.
 *
 * @param publicKey the Ed25519 key every adapter record's signature must verify with
 * @param publicKeySource where the key came from (a path or an environment variable), for logs and
 *     errors
 * @param retainedVersions K: versions kept loaded per adapter (the newest K, plus a pinned one); >=
 *     2 lets rollback find a previous version
 * @param maxAdapters adapters served at once; records of further adapters are refused (reason
 *     {@code too_many_adapters}), which also bounds every metric tag that names an adapter
 * @param pinTimeout how long an admin call waits to see its own pin applied by this replica
 */
public record AdapterSettings(
    PublicKey publicKey,
    String publicKeySource,
    int retainedVersions,
    int maxAdapters,
    Duration pinTimeout) {

  public AdapterSettings {
    Objects.requireNonNull(publicKey, "adapter public key");
    if (!"EdDSA".equals(publicKey.getAlgorithm()) && !"Ed25519".equals(publicKey.getAlgorithm())) {
      throw new IllegalArgumentException(
          "adapter-public-key must be an Ed25519 key, got "
              + publicKey.getAlgorithm()
              + " from "
              + publicKeySource);
    }
    if (retainedVersions < 1 || retainedVersions > 100) {
      throw new IllegalArgumentException(
          "retained-versions must be in 1..100, got " + retainedVersions);
    }
    if (maxAdapters < 1 || maxAdapters > 1000) {
      throw new IllegalArgumentException("max-adapters must be in 1..1000, got " + maxAdapters);
    }
    if (pinTimeout == null || pinTimeout.isNegative() || pinTimeout.isZero()) {
      throw new IllegalArgumentException("pin-timeout must be > 0, got " + pinTimeout);
    }
  }

  @Override
  public String toString() {
    return "AdapterSettings[publicKey="
        + AdapterKeys.fingerprint(publicKey)
        + " from "
        + publicKeySource
        + ", retainedVersions="
        + retainedVersions
        + ", maxAdapters="
        + maxAdapters
        + ", pinTimeout="
        + pinTimeout
        + "]";
  }
}
