package io.lorastream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The demo's refusals: each says what to pass, before any service starts. */
class DemoCommandTest {

  @TempDir Path tmp;

  private static String[] run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new LorastreamCommand());
    cl.setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err));
    return new String[] {Integer.toString(cl.execute(args)), err.toString()};
  }

  @Test
  void withoutADatasetItSaysWhatToPass() {
    String[] r = run("demo");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[1]).contains("--dataset DIR").contains("../shared/datasets/scifact");
  }

  @Test
  void aFolderThatIsNotBeirIsNamedWithTheMissingFile() {
    String[] r = run("demo", "--dataset", tmp.toString());
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[1]).contains(tmp.toString()).contains("corpus.jsonl");
  }

  @Test
  void anUnknownModeIsRefused() {
    String[] r = run("demo", "--dataset", tmp.toString(), "--mode", "sideways");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[1]).containsIgnoringCase("sideways");
  }
}
