package io.lorastream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Benchmarks; each prints one JSON object as its last stdout line. */
@Command(
    name = "bench",
    description = "Benchmarks that print JSON (last stdout line) with a baseline measured in the same run.",
    subcommands = {BenchTrainerCommand.class, CommandLine.HelpCommand.class})
final class BenchCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }
}
