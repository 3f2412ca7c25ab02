package io.lorastream.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** The whole loop in one JVM. Completed by the demo issue; until then it says so. */
@Command(name = "demo", description = "Run the whole loop in one JVM on a BEIR dataset (not available yet).")
final class DemoCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println(
        "lorastream demo is not built yet: it arrives with the streams-app, trainer and embedding-server."
            + " Meanwhile try: ./lorastream eval --dataset ../shared/datasets/scifact");
    return 2;
  }
}
