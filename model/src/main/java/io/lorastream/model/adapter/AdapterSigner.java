package io.lorastream.model.adapter;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;

/** Signs adapter records with an Ed25519 private key (the JDK's provider; signatures are deterministic). */
public final class AdapterSigner {

  private final PrivateKey key;

  public AdapterSigner(PrivateKey key) {
    if (!(key instanceof EdECPrivateKey ed) || !ed.getParams().getName().equalsIgnoreCase("Ed25519")) {
      throw new IllegalArgumentException("adapter signing key must be Ed25519, got " + key.getAlgorithm());
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
