package io.lorastream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The trainer command's refusals: each names the problem and the way out, before any model or
 * broker is touched.
 */
class TrainerCommandTest {

  @TempDir Path tmp;

  private record Run(int exit, String err) {}

  private static Run run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new LorastreamCommand());
    cl.setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err));
    return new Run(cl.execute(args), err.toString());
  }

  @Test
  void withoutABootstrapAddressItSaysHowToGiveOne() {
    Run r = run("trainer");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("bootstrap is required").contains("--bootstrap HOST:PORT");
  }

  @Test
  void aTypoInTheConfigFileIsNamed() throws Exception {
    Path config = tmp.resolve("trainer.yaml");
    Files.writeString(config, "adapter-defaults:\n  learning_rate: 1e-3\n");
    Run r = run("trainer", "--bootstrap", "127.0.0.1:9", "--config", config.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains(config.toString()).contains("unknown setting(s) [learning_rate]");
  }

  @Test
  void withoutASigningKeyItPointsAtTheKeysCommand() {
    Run r = run("trainer", "--bootstrap", "127.0.0.1:9");
    if (System.getenv(TrainerCommand.SIGNING_KEY_ENV) == null) {
      assertThat(r.exit()).isEqualTo(2);
      assertThat(r.err()).contains("no signing key").contains("lorastream keys generate --out DIR");
    }
  }

  @Test
  void aMissingKeyFileIsNamed() {
    Run r =
        run(
            "trainer",
            "--bootstrap",
            "127.0.0.1:9",
            "--signing-key",
            tmp.resolve("nope.key").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("nope.key");
  }
}
