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

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(priv))).isEqualTo("rw-------");
    assertThat(Files.readString(priv)).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
    assertThat(Files.readString(pub)).startsWith("-----BEGIN PUBLIC KEY-----\n");
    assertThat(AdapterKeys.readPrivateKey(priv).getEncoded()).isEqualTo(kp.getPrivate().getEncoded());
    assertThat(AdapterKeys.readPublicKey(pub)).isEqualTo(kp.getPublic());
  }

  @Test
  void keysFromConfigurationMayBePemOrBareBase64() throws Exception {
    KeyPair kp = AdapterKeys.generate();
    String b64 = Base64.getEncoder().encodeToString(kp.getPublic().getEncoded());
    assertThat(AdapterKeys.parsePublicKey(b64, "env")).isEqualTo(kp.getPublic());
    assertThat(AdapterKeys.parsePublicKey(AdapterKeys.toPem(kp.getPublic()), "env")).isEqualTo(kp.getPublic());
    AdapterSigner signer = AdapterSigner.fromText(Base64.getEncoder().encodeToString(kp.getPrivate().getEncoded()), "env");
    byte[] data = {1, 2, 3};
    Signature s = Signature.getInstance("Ed25519");
    s.initVerify(kp.getPublic());
    s.update(data);
    assertThat(s.verify(signer.sign(data, data.length))).isTrue();
  }

  @Test
  void badKeyFilesGetErrorsNamingThePath() throws Exception {
    Path f = tmp.resolve("bad.key");
    Files.writeString(f, "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n");
    assertThatThrownBy(() -> AdapterKeys.readPrivateKey(f)).hasMessageStartingWith(f + ": ").hasMessageContaining("'OPENSSH PRIVATE KEY'");
    Files.writeString(f, "not base64 at all!");
    assertThatThrownBy(() -> AdapterKeys.readPrivateKey(f)).hasMessageStartingWith(f + ": ").hasMessageContaining("neither PEM nor base64");
    Files.writeString(f, Base64.getEncoder().encodeToString(new byte[32]));
    assertThatThrownBy(() -> AdapterKeys.readPrivateKey(f)).hasMessageContaining("raw 32-byte key");
    Files.writeString(f, Base64.getEncoder().encodeToString(new byte[48]));
    assertThatThrownBy(() -> AdapterKeys.readPrivateKey(f)).hasMessageStartingWith(f + ": not an Ed25519 private key");
    Path missing = tmp.resolve("missing.pub");
    assertThatThrownBy(() -> AdapterKeys.readPublicKey(missing)).hasMessageContaining(missing.toString()).hasMessageContaining("keys generate");
  }

  @Test
  void keysOfOtherAlgorithmsAreRefused() throws Exception {
    KeyPair ed448 = KeyPairGenerator.getInstance("Ed448").generateKeyPair();
    assertThatThrownBy(() -> AdapterKeys.parsePublicKey(Base64.getEncoder().encodeToString(ed448.getPublic().getEncoded()), "cfg"))
        .hasMessageContaining("expected Ed25519");
    KeyPair ec = KeyPairGenerator.getInstance("EC").generateKeyPair();
    assertThatThrownBy(() -> new AdapterSigner(ec.getPrivate())).hasMessageContaining("must be Ed25519");
  }
}
