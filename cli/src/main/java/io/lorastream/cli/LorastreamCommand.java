package io.lorastream.cli;

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

  public static void main(String[] args) {
    int exit = new CommandLine(new LorastreamCommand()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    System.exit(exit);
  }
}
