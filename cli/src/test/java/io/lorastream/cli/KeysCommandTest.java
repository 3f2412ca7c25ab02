package io.lorastream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.model.adapter.AdapterKeys;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KeysCommandTest {

  @TempDir Path tmp;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new LorastreamCommand());
    cl.setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void generateWritesAnOwnerOnlyPrivateKeyAndAPublicKeyAndPrintsTheirPaths() throws Exception {
    Path dir = tmp.resolve("keys");

    Run r = run("keys", "generate", "--out", dir.toString());

    Path priv = dir.resolve("adapter-signing.key").toAbsolutePath();
    Path pub = dir.resolve("adapter-signing.pub").toAbsolutePath();
    assertThat(r.exit()).isZero();
    assertThat(r.out())
        .contains("private key: " + priv)
        .contains("public key:  " + pub)
        .contains("fingerprint: ed25519:");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(priv)))
        .isEqualTo("rw-------");
    PublicKey key = AdapterKeys.readPublicKey(pub);
    assertThat(AdapterKeys.readPrivateKey(priv).getAlgorithm()).isIn("EdDSA", "Ed25519");
    assertThat(r.out()).contains(AdapterKeys.fingerprint(key));
  }

  @Test
  void existingKeysAreKeptUnlessForced() throws Exception {
    Path dir = tmp.resolve("keys");
    run("keys", "generate", "--out", dir.toString());
    String before = Files.readString(dir.resolve("adapter-signing.pub"));

    Run refused = run("keys", "generate", "--out", dir.toString());
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err()).contains("adapter-signing.key already exists").contains("--force");
    assertThat(Files.readString(dir.resolve("adapter-signing.pub"))).isEqualTo(before);

    Run forced = run("keys", "generate", "--out", dir.toString(), "--force");
    assertThat(forced.exit()).isZero();
    assertThat(Files.readString(dir.resolve("adapter-signing.pub"))).isNotEqualTo(before);
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("adapter-signing.key"))))
        .isEqualTo("rw-------");
  }

  @Test
  void outIsRequired() {
    Run r = run("keys", "generate");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("Missing required option: '--out=DIR'");
  }
}
