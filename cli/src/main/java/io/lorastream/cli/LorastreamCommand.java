package io.lorastream.cli;

import io.lorastream.model.eval.DatasetException;
import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The single {@code lorastream} command; each subcommand lives in its own file. */
@Command(
    name = "lorastream",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Keeps an embedding model fitted to its domain while it serves.",
    subcommands = {
      BenchCommand.class,
      EmbedCommand.class,
      EvalCommand.class,
      KeysCommand.class,
      AclsCommand.class,
      DemoCommand.class,
      BrokerCommand.class,
      TrainerCommand.class,
      ServerCommand.class,
      StreamsCommand.class,
      CommandLine.HelpCommand.class,
    })
public final class LorastreamCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }

  /**
   * A bad file, folder or setting a command did not catch itself is reported as one line naming it
   * (the exceptions' messages say what was expected), exit code 2; anything else is a bug and keeps
   * its stack trace.
   */
  private static int userError(Exception e, CommandLine cl, CommandLine.ParseResult parsed)
      throws Exception {
    if (e instanceof IllegalArgumentException
        || e instanceof DatasetException
        || e instanceof IOException
        || e instanceof UncheckedIOException) {
      cl.getErr().println("lorastream " + cl.getCommandName() + ": " + e.getMessage());
      cl.getErr().flush();
      return 2;
    }
    throw e;
  }

  /** The command line as {@link #main} runs it. */
  static CommandLine commandLine() {
    return new CommandLine(new LorastreamCommand())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(LorastreamCommand::userError);
  }

  public static void main(String[] args) {
    int exit = commandLine().execute(args);
    System.exit(exit);
  }
}
