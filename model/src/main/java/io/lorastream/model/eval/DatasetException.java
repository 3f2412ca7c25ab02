package io.lorastream.model.eval;

import java.nio.file.Path;

/**
 * A BEIR folder is missing a file or holds one that does not parse; the message names file and
 * line.
 */
public final class DatasetException extends RuntimeException {

  public DatasetException(String message) {
    super(message);
  }

  public DatasetException(String message, Throwable cause) {
    super(message, cause);
  }

  /** {@code file:line: problem}. */
  static DatasetException at(Path file, long line, String problem) {
    return new DatasetException(file + ":" + line + ": " + problem);
  }
}
