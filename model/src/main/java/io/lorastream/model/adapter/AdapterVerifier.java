package io.lorastream.model.adapter;

import io.lorastream.model.BaseModelId;
import io.lorastream.model.encoder.EncoderConfig;
import io.lorastream.model.lora.LoraConfig;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.EdECPublicKey;
import java.util.Objects;

/**
 * Decides whether an adapters-topic record may be served, checking in this order: container format and
 * version, Ed25519 signature against the configured public key, the Kafka key against the signed manifest,
 * the weights' sha256 against the manifest, base model name and hash, shapes against the encoder, finite
 * values. The first failure wins and is returned as a {@link AdapterVerification.Refused} with its
 * {@link RefusalReason}; nothing throws. Thread-safe.
 */
public final class AdapterVerifier {

  private final PublicKey publicKey;
  private final BaseModelId base;
  private final EncoderConfig encoder;

  public AdapterVerifier(PublicKey publicKey, BaseModelId base, EncoderConfig encoder) {
    if (!(publicKey instanceof EdECPublicKey ed) || !ed.getParams().getName().equalsIgnoreCase("Ed25519")) {
      throw new IllegalArgumentException("adapter verification key must be Ed25519, got " + publicKey.getAlgorithm());
    }
    this.publicKey = publicKey;
    this.base = Objects.requireNonNull(base, "base");
    this.encoder = Objects.requireNonNull(encoder, "encoder");
  }

  /**
   * Checks a record as consumed from the adapters topic.
   *
   * @param kafkaKey the record key, {@code <adapter>@<version>}
   * @param value the record value; null for a tombstone
   */
  public AdapterVerification verify(String kafkaKey, byte[] value) {
    AdapterKey key;
    try {
      key = AdapterKey.parse(kafkaKey);
    } catch (IllegalArgumentException e) {
      return new AdapterVerification.Refused(RefusalReason.MALFORMED, String.valueOf(kafkaKey), e.getMessage());
    }
    if (value == null) {
      return new AdapterVerification.Deleted(key);
    }
    return check(key, value, key.toString());
  }

  /** Checks a record value on its own (no Kafka key to compare with), e.g. one read from a file. */
  public AdapterVerification verify(byte[] value) {
    return check(null, Objects.requireNonNull(value, "value"), "?");
  }

  private AdapterVerification check(AdapterKey key, byte[] value, String subject) {
    String label = "adapter record " + subject;
    try {
      AdapterRecordCodec.Framed framed = AdapterRecordCodec.unframe(value, label);
      if (!signatureValid(value, framed)) {
        return refused(RefusalReason.BAD_SIGNATURE, subject,
            label + ": the Ed25519 signature does not verify with public key " + AdapterKeys.fingerprint(publicKey)
                + " (tampered, or signed with another key)");
      }
      AdapterManifest manifest = AdapterManifestJson.read(framed.manifest(), label + " manifest");
      label = "adapter record " + manifest.key();
      if (key != null && !key.equals(manifest.key())) {
        return refused(RefusalReason.KEY_MISMATCH, subject,
            "adapter record under key " + key + " holds the signed manifest of " + manifest.key()
                + " (a replayed or misfiled record)");
      }
      PeftAdapterFiles files = new PeftAdapterFiles(framed.config(), framed.weights());
      String sha = files.weightsSha256();
      if (!sha.equals(manifest.adapterSha256())) {
        return refused(RefusalReason.CHECKSUM_MISMATCH, subject,
            label + ": the weights hash to " + sha + " but the manifest states " + manifest.adapterSha256());
      }
      if (!manifest.baseModel().equals(base)) {
        return refused(RefusalReason.OTHER_BASE_MODEL, subject,
            label + ": made for base model " + manifest.baseModel().name() + " (sha256 "
                + manifest.baseModel().sha256() + ") but this server runs " + base.name() + " (sha256 "
                + base.sha256() + ")");
      }
      LoadedAdapter loaded =
          files.decode(encoder, label + " " + PeftAdapterFiles.CONFIG_FILE, label + " " + PeftAdapterFiles.WEIGHTS_FILE);
      LoraConfig fromFiles = loaded.weights().config();
      if (!fromFiles.equals(manifest.lora())) {
        return refused(RefusalReason.MALFORMED, subject,
            label + ": the manifest's LoRA config " + manifest.lora() + " differs from adapter_config.json's "
                + fromFiles);
      }
      return new AdapterVerification.Accepted(
          new AdapterRecord(framed.version(), manifest, files, framed.signature()), loaded.weights());
    } catch (AdapterFormatException e) {
      return refused(e.reason(), subject, e.getMessage());
    } catch (RuntimeException e) {
      // a reader bug must not take the consumer down: refuse the record, keep serving
      return refused(RefusalReason.MALFORMED, subject, label + ": unreadable (" + e + ")");
    }
  }

  private boolean signatureValid(byte[] value, AdapterRecordCodec.Framed framed) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(publicKey);
      s.update(value, 0, framed.signedLength());
      return s.verify(framed.signature());
    } catch (GeneralSecurityException e) {
      return false; // a signature the provider cannot even parse does not verify
    }
  }

  private static AdapterVerification.Refused refused(RefusalReason reason, String subject, String detail) {
    return new AdapterVerification.Refused(reason, subject, detail);
  }
}
