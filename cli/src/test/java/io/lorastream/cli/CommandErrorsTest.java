package io.lorastream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A bad folder a command does not catch itself is one line naming it, not a stack trace. */
class CommandErrorsTest {

  @TempDir Path tmp;

  @Test
  void aMissingDatasetFolderIsOneLineNamingItWithExitCode2() {
    StringWriter err = new StringWriter();
    CommandLine cl = LorastreamCommand.commandLine();
    cl.setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err));
    Path missing = tmp.resolve("no-such-dataset");
    int exit = cl.execute("eval", "--dataset", missing.toString());
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .startsWith("lorastream eval: ")
        .contains(missing.toString())
        .contains("corpus.jsonl")
        .doesNotContain("\tat ");
  }
}
