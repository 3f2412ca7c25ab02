package io.lorastream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Parent of the benchmarks; each prints JSON as its last stdout line. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks. Each prints progress to stderr and one JSON object as its last stdout line.",
    subcommands = {BenchStreamsCommand.class})
final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }
}
