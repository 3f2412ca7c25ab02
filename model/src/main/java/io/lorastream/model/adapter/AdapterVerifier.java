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
 * Decides whether an adapters-topic record may be served, checking in this order: container format
 * and version, Ed25519 signature against the configured public key, the Kafka key against the
 * signed manifest, base model name and hash, the weights' sha256 against the manifest, shapes
 * against the encoder, finite values. The first failure wins and is returned as a {@link
 * AdapterVerification.Refused} with its {@link RefusalReason}; nothing throws. Tombstones are
 * checked for a signed withdrawal ({@link AdapterWithdrawalCodec}). Thread-safe.
 */
public final class AdapterVerifier {

  private final PublicKey publicKey;
  private final BaseModelId base;
  private final EncoderConfig encoder;

  public AdapterVerifier(PublicKey publicKey, BaseModelId base, EncoderConfig encoder) {
    if (!(publicKey instanceof EdECPublicKey ed)
        || !ed.getParams().getName().equalsIgnoreCase("Ed25519")) {
      throw new IllegalArgumentException(
          "adapter verification key must be Ed25519, got " + publicKey.getAlgorithm());
    }
    this.publicKey = publicKey;
    this.base = Objects.requireNonNull(base, "base");
    this.encoder = Objects.requireNonNull(encoder, "encoder");
  }

  /**
   * Checks a record as consumed from the adapters topic, ignoring its headers: a tombstone is
   * {@link AdapterVerification.Deleted}. Servers use {@link #verify(String, byte[], byte[])}.
   *
   * @param kafkaKey the record key, {@code <adapter>@<version>}
   * @param value the record value; null for a tombstone
   */
  public AdapterVerification verify(String kafkaKey, byte[] value) {
    return verify(kafkaKey, value, null);
  }

  /**
   * Checks a record as consumed from the adapters topic. A tombstone with a valid signed withdrawal
   * for its own key is {@link AdapterVerification.Withdrawn}; without one it is {@link
   * AdapterVerification.Deleted} (which withdraws nothing); with a withdrawal that does not verify
   * it is refused.
   *
   * @param kafkaKey the record key, {@code <adapter>@<version>}
   * @param value the record value; null for a tombstone
   * @param withdrawal the value of the {@link AdapterWithdrawalCodec#HEADER} header, or null
   */
  public AdapterVerification verify(String kafkaKey, byte[] value, byte[] withdrawal) {
    AdapterKey key;
    try {
      key = AdapterKey.parse(kafkaKey);
    } catch (IllegalArgumentException e) {
      return new AdapterVerification.Refused(
          RefusalReason.MALFORMED, String.valueOf(kafkaKey), e.getMessage());
    }
    if (value == null) {
      return withdrawal == null
          ? new AdapterVerification.Deleted(key)
          : checkWithdrawal(key, withdrawal);
    }
    return check(key, value, key.toString());
  }

  /**
   * The cheap checks of a record, without decoding its weights: container format and version,
   * signature, the Kafka key against the signed manifest, base model. A record that passes is
   * authentic but may still be refused by {@link #verify(String, byte[], byte[])} (checksum,
   * shapes, values); one that fails never will be accepted. Lets a reader keep only authentic
   * records while it replays a topic, so forged ones cannot crowd them out.
   *
   * @return the refusal, or null when the record passed these checks
   */
  public AdapterVerification.Refused screen(String kafkaKey, byte[] value) {
    Objects.requireNonNull(value, "value");
    AdapterKey key;
    try {
      key = AdapterKey.parse(kafkaKey);
    } catch (IllegalArgumentException e) {
      return new AdapterVerification.Refused(
          RefusalReason.MALFORMED, String.valueOf(kafkaKey), e.getMessage());
    }
    String subject = key.toString();
    String label = "adapter record " + subject;
    try {
      AdapterRecordCodec.Framed framed = AdapterRecordCodec.unframe(value, label);
      if (!signatureValid(value, framed.signedLength(), framed.signature())) {
        return badSignature(subject, label);
      }
      AdapterManifest manifest = AdapterManifestJson.read(framed.manifest(), label + " manifest");
      return manifestRefusal(key, manifest, subject);
    } catch (AdapterFormatException e) {
      return refused(e.reason(), subject, e.getMessage());
    } catch (RuntimeException e) {
      return refused(RefusalReason.MALFORMED, subject, label + ": unreadable (" + e + ")");
    }
  }

  /** Checks a record value on its own (no Kafka key to compare with), e.g. one read from a file. */
  public AdapterVerification verify(byte[] value) {
    return check(null, Objects.requireNonNull(value, "value"), "?");
  }

  private AdapterVerification check(AdapterKey key, byte[] value, String subject) {
    String label = "adapter record " + subject;
    try {
      AdapterRecordCodec.Framed framed = AdapterRecordCodec.unframe(value, label);
      if (!signatureValid(value, framed.signedLength(), framed.signature())) {
        return badSignature(subject, label);
      }
      AdapterManifest manifest = AdapterManifestJson.read(framed.manifest(), label + " manifest");
      label = "adapter record " + manifest.key();
      AdapterVerification.Refused wrong = manifestRefusal(key, manifest, subject);
      if (wrong != null) {
        return wrong;
      }
      PeftAdapterFiles files = new PeftAdapterFiles(framed.config(), framed.weights());
      String sha = files.weightsSha256();
      if (!sha.equals(manifest.adapterSha256())) {
        return refused(
            RefusalReason.CHECKSUM_MISMATCH,
            subject,
            label
                + ": the weights hash to "
                + sha
                + " but the manifest states "
                + manifest.adapterSha256());
      }
      LoadedAdapter loaded =
          files.decode(
              encoder,
              label + " " + PeftAdapterFiles.CONFIG_FILE,
              label + " " + PeftAdapterFiles.WEIGHTS_FILE);
      LoraConfig fromFiles = loaded.weights().config();
      if (!fromFiles.equals(manifest.lora())) {
        return refused(
            RefusalReason.MALFORMED,
            subject,
            label
                + ": the manifest's LoRA config "
                + manifest.lora()
                + " differs from adapter_config.json's "
                + fromFiles);
      }
      return new AdapterVerification.Accepted(
          new AdapterRecord(framed.version(), manifest, files, framed.signature()),
          loaded.weights());
    } catch (AdapterFormatException e) {
      return refused(e.reason(), subject, e.getMessage());
    } catch (RuntimeException e) {
      // a reader bug must not take the consumer down: refuse the record, keep serving
      return refused(RefusalReason.MALFORMED, subject, label + ": unreadable (" + e + ")");
    }
  }

  /** Key and base model against a signed manifest; null when both fit. */
  private AdapterVerification.Refused manifestRefusal(
      AdapterKey key, AdapterManifest manifest, String subject) {
    if (key != null && !key.equals(manifest.key())) {
      return refused(
          RefusalReason.KEY_MISMATCH,
          subject,
          "adapter record under key "
              + key
              + " holds the signed manifest of "
              + manifest.key()
              + " (a replayed or misfiled record)");
    }
    if (!manifest.baseModel().equals(base)) {
      return refused(
          RefusalReason.OTHER_BASE_MODEL,
          subject,
          "adapter record "
              + manifest.key()
              + ": made for base model "
              + manifest.baseModel().name()
              + " (sha256 "
              + manifest.baseModel().sha256()
              + ") but this server runs "
              + base.name()
              + " (sha256 "
              + base.sha256()
              + ")");
    }
    return null;
  }

  private AdapterVerification checkWithdrawal(AdapterKey key, byte[] header) {
    String subject = key.toString();
    String label = "withdrawal of " + subject;
    try {
      AdapterWithdrawalCodec.Framed framed = AdapterWithdrawalCodec.unframe(header, label);
      if (!signatureValid(header, framed.signedLength(), framed.signature())) {
        return badSignature(subject, label);
      }
      AdapterWithdrawal w = framed.withdrawal();
      if (!w.key().equals(key)) {
        return refused(
            RefusalReason.KEY_MISMATCH,
            subject,
            "the tombstone of "
                + key
                + " carries the signed withdrawal of "
                + w.key()
                + " (a replayed withdrawal)");
      }
      return new AdapterVerification.Withdrawn(key, w);
    } catch (AdapterFormatException e) {
      return refused(e.reason(), subject, e.getMessage());
    } catch (RuntimeException e) {
      return refused(RefusalReason.MALFORMED, subject, label + ": unreadable (" + e + ")");
    }
  }

  private AdapterVerification.Refused badSignature(String subject, String label) {
    return refused(
        RefusalReason.BAD_SIGNATURE,
        subject,
        label
            + ": the Ed25519 signature does not verify with public key "
            + AdapterKeys.fingerprint(publicKey)
            + " (tampered, or signed with another key)");
  }

  private boolean signatureValid(byte[] value, int signedLength, byte[] signature) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(publicKey);
      s.update(value, 0, signedLength);
      return s.verify(signature);
    } catch (GeneralSecurityException e) {
      return false; // a signature the provider cannot even parse does not verify
    }
  }

  private static AdapterVerification.Refused refused(
      RefusalReason reason, String subject, String detail) {
    return new AdapterVerification.Refused(reason, subject, detail);
  }
}
