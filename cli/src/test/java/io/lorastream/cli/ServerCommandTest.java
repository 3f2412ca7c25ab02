package io.lorastream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.model.adapter.AdapterKeys;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Bad configuration stops the server command before anything starts, with a message naming the
 * problem.
 */
class ServerCommandTest {

  @TempDir Path tmp;

  private record Run(int exit, String err) {}

  private static Run run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new LorastreamCommand());
    cl.setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err));
    return new Run(cl.execute(args), err.toString());
  }

  private Path publicKey() throws Exception {
    Path pub = tmp.resolve("adapter-signing.pub");
    if (!Files.exists(pub)) {
      AdapterKeys.writePublicKey(pub, AdapterKeys.generate().getPublic(), false);
    }
    return pub;
  }

  @Test
  void aMissingPublicKeySaysHowToMakeOne() throws Exception {
    Path file = tmp.resolve("server.properties");
    Files.writeString(file, "allow-anonymous=true\n");
    Run r = run("server", "--config", file.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err())
        .contains("adapter-public-key is required")
        .contains("lorastream keys generate");
  }

  @Test
  void aMissingConfigFileIsNamed() {
    Run r = run("server", "--config", tmp.resolve("absent.yaml").toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("absent.yaml does not exist");
  }

  @Test
  void aBadValueIsNamedWithItsKey() throws Exception {
    Path file = tmp.resolve("server.yaml");
    Files.writeString(
        file, "allow-anonymous: true\nadapter-public-key: " + publicKey() + "\nport: eighty\n");
    Run r = run("server", "--config", file.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("port='eighty'").contains("'eighty' is not a number");
  }

  @Test
  void anUnknownKeyIsNamed() throws Exception {
    Path file = tmp.resolve("server.properties");
    Files.writeString(
        file, "allow-anonymous=true\nadapter-public-key=" + publicKey() + "\nbatch.max-sise=8\n");
    Run r = run("server", "--config", file.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("unknown setting(s) [batch.max-sise]").contains("batch.max-size");
  }
}
