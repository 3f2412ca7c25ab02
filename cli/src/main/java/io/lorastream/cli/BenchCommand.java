package io.lorastream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Benchmarks that print JSON, each with a baseline measured in the same run. */
@Command(
    name = "bench",
    description =
        "Run a benchmark; the last stdout line is one JSON object with the figures and the ratio to its baseline.",
    subcommands = {
      BenchModelCommand.class,
      BenchStreamsCommand.class,
      BenchServerCommand.class,
      BenchTrainerCommand.class,
      BenchLoopCommand.class,
      BenchTopicsCommand.class,
      CommandLine.HelpCommand.class
    })
final class BenchCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }
}
