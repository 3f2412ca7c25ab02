package io.lorastream.cli;

import picocli.CommandLine;

/** Reads the version Maven wrote into the jar manifest. */
final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = LorastreamCommand.class.getPackage().getImplementationVersion();
    return new String[] {"lorastream " + (version == null ? "(development build)" : version)};
  }
}
