package io.lorastream.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Defaults that depend on where the repository is: the launcher passes {@code -Dlorastream.root}.
 */
final class Defaults {

  private Defaults() {}

  /** ../shared/datasets/scifact beside the repository, or relative to the working directory. */
  static Path scifact() {
    String root = System.getProperty("lorastream.root");
    Path base = root != null ? Path.of(root) : Path.of(".");
    Path candidate =
        base.resolve("..").resolve("shared").resolve("datasets").resolve("scifact").normalize();
    if (!Files.isDirectory(candidate)) {
      throw new IllegalArgumentException(
          "no dataset given and "
              + candidate
              + " does not exist: pass --dataset DIR (a BEIR folder with"
              + " corpus.jsonl, queries.jsonl and qrels/)");
    }
    return candidate;
  }
}
