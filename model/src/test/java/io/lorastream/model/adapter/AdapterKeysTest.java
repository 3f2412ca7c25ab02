package io.lorastream.model.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdapterKeysTest {

  @TempDir Path tmp;

  @Test
  void pemFilesRoundTripAndThePrivateOneIsOwnerOnly() throws Exception {
    KeyPair kp = AdapterKeys.generate();
    Path priv = tmp.resolve(AdapterKeys.PRIVATE_KEY_FILE);
    Path pub = tmp.resolve(AdapterKeys.PUBLIC_KEY_FILE);
    AdapterKeys.writePrivateKey(priv, kp.getPrivate(), false);
    AdapterKeys.writePublicKey(pub, kp.getPublic(), false);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(priv)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(priv))
        .startsWith("-----BEGIN PRIVATE KEY-----\n")
        .endsWith("-----END PRIVATE KEY-----\n");
    assertThat(Files.readString(pub)).startsWith("-----BEGIN PUBLIC KEY-----\n");
    assertThat(AdapterKeys.readPrivateKey(priv).getEncoded())
        .isEqualTo(kp.getPrivate().getEncoded());
    assertThat(AdapterKeys.readPublicKey(pub)).isEqualTo(kp.getPublic());
  }

  @Test
  void keysFromConfigurationMayBePemOrBareBase64() throws Exception {
    KeyPair kp = AdapterKeys.generate();
    String b64 = Base64.getEncoder().encodeToString(kp.getPublic().getEncoded());
    assertThat(AdapterKeys.parsePublicKey(b64, "env")).isEqualTo(kp.getPublic());
    assertThat(AdapterKeys.parsePublicKey(AdapterKeys.toPem(kp.getPublic()), "env"))
        .isEqualTo(kp.getPublic());
    AdapterSigner signer =
        AdapterSigner.fromText(
            Base64.getEncoder().encodeToString(kp.getPrivate().getEncoded()), "env");
    byte[] data = {1, 2, 3};
    Signature s = Signature.getInstance("Ed25519");
    s.initVerify(kp.getPublic());
    s.update(data);
    assertThat(s.verify(signer.sign(data, data.length))).isTrue();
  }

  @Test
  void badKeyFilesGetErrorsNamingThePath() throws Exception {
    Path f = tmp.resolve("bad.key");
    Files.writeString(
        f, "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n");
    assertThatThrownBy(() -> AdapterKeys.readPrivateKey(f))
        .hasMessageStartingWith(f + ": ")
        .hasMessageContaining("'OPENSSH PRIVATE KEY'");
    Files.writeString(f, "not base64 at all!");
    assertThatThrownBy(() -> AdapterKeys.readPrivateKey(f))
        .hasMessageStartingWith(f + ": ")
        .hasMessageContaining("neither PEM nor base64");
    Files.writeString(f, Base64.getEncoder().encodeToString(new byte[32]));
    assertThatThrownBy(() -> AdapterKeys.readPrivateKey(f)).hasMessageContaining("raw 32-byte key");
    Files.writeString(f, Base64.getEncoder().encodeToString(new byte[48]));
    assertThatThrownBy(() -> AdapterKeys.readPrivateKey(f))
        .hasMessageStartingWith(f + ": not an Ed25519 private key");
    Path missing = tmp.resolve("missing.pub");
    assertThatThrownBy(() -> AdapterKeys.readPublicKey(missing))
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("keys generate");
  }

  @Test
  void keysOfOtherAlgorithmsAreRefused() throws Exception {
    KeyPair ed448 = KeyPairGenerator.getInstance("Ed448").generateKeyPair();
    assertThatThrownBy(
            () ->
                AdapterKeys.parsePublicKey(
                    Base64.getEncoder().encodeToString(ed448.getPublic().getEncoded()), "cfg"))
        .hasMessageContaining("expected Ed25519");
    KeyPair ec = KeyPairGenerator.getInstance("EC").generateKeyPair();
    assertThatThrownBy(() -> new AdapterSigner(ec.getPrivate()))
        .hasMessageContaining("must be Ed25519");
  }

  @Test
  void thePublicKeyDerivedFromAPrivateKeyIsRfc8032sAndTheGeneratedOne() throws Exception {
    // RFC 8032, 7.1, TEST 1: secret key and public key
    byte[] secret =
        java.util.HexFormat.of()
            .parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    byte[] expected =
        java.util.HexFormat.of()
            .parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    byte[] pkcs8 =
        concat(java.util.HexFormat.of().parseHex("302e020100300506032b657004220420"), secret);
    byte[] x509 = concat(java.util.HexFormat.of().parseHex("302a300506032b6570032100"), expected);
    var priv =
        java.security.KeyFactory.getInstance("Ed25519")
            .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(pkcs8));
    assertThat(AdapterKeys.publicKeyOf(priv).getEncoded()).isEqualTo(x509);
    KeyPair kp = AdapterKeys.generate();
    assertThat(new AdapterSigner(kp.getPrivate()).publicKey()).isEqualTo(kp.getPublic());
  }

  @Test
  void aSecretDerivedFromTheSigningKeyDependsOnKeyAndPurposeOnly() {
    AdapterSigner a = new AdapterSigner(AdapterKeys.generate().getPrivate());
    AdapterSigner b = new AdapterSigner(AdapterKeys.generate().getPrivate());
    assertThat(a.deriveSecret("p/v1"))
        .hasSize(32)
        .isEqualTo(a.deriveSecret("p/v1"))
        .isNotEqualTo(a.deriveSecret("q/v1"))
        .isNotEqualTo(b.deriveSecret("p/v1"));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
