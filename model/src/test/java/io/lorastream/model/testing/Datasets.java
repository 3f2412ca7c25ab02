package io.lorastream.model.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where tests find ../shared/datasets (system property {@code lorastream.datasets}, set by the
 * build).
 */
public final class Datasets {

  private Datasets() {}

  public static Path scifact() {
    String root = System.getProperty("lorastream.datasets", "../../shared/datasets");
    Path dir = Path.of(root).resolve("scifact").toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException(
          "SciFact not found at "
              + dir
              + ": tests expect ../shared/datasets/scifact beside the repository"
              + " (or -Dlorastream.datasets=DIR)");
    }
    return dir;
  }
}
