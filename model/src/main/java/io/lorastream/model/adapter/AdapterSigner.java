package io.lorastream.model.adapter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs adapter records with an Ed25519 private key (the JDK's provider; signatures are
 * deterministic).
 */
public final class AdapterSigner {

  private final PrivateKey key;

  public AdapterSigner(PrivateKey key) {
    if (!(key instanceof EdECPrivateKey ed)
        || !ed.getParams().getName().equalsIgnoreCase("Ed25519")) {
      throw new IllegalArgumentException(
          "adapter signing key must be Ed25519, got " + key.getAlgorithm());
    }
    this.key = key;
  }

  /** Loads the PEM private key file written by {@code lorastream keys generate}. */
  public static AdapterSigner fromFile(Path privateKeyPem) throws IOException {
    return new AdapterSigner(AdapterKeys.readPrivateKey(privateKeyPem));
  }

  /** From configuration or environment text: PEM, or the base64 of the PKCS#8 DER. */
  public static AdapterSigner fromText(String pemOrBase64, String source) throws IOException {
    return new AdapterSigner(AdapterKeys.parsePrivateKey(pemOrBase64, source));
  }

  /** The public key that verifies this signer's signatures, derived from the private key. */
  public PublicKey publicKey() {
    return AdapterKeys.publicKeyOf(key);
  }

  /**
   * A 32-byte secret for another purpose, derived from this private key: HMAC-SHA256 keyed with the
   * key's 32 bytes over {@code purpose} (HKDF-Extract's construction). Whoever holds the signing
   * key can derive it, nobody else; a different purpose gives an unrelated secret, and no signature
   * ever reveals it.
   *
   * @param purpose names the use, e.g. {@code lorastream/checkpoint-mac/v1}
   */
  public byte[] deriveSecret(String purpose) {
    byte[] seed =
        ((EdECPrivateKey) key)
            .getBytes()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "the Ed25519 signing key does not expose its bytes (a hardware key?); no secret can be derived from it"))
            .clone();
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(seed, "HmacSHA256"));
      return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is unavailable: " + e.getMessage(), e);
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  /** The signature of {@code data[0, length)}. */
  byte[] sign(byte[] data, int length) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(key);
      s.update(data, 0, length);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed with a checked Ed25519 key", e);
    }
  }
}
