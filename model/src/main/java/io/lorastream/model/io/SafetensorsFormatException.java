package io.lorastream.model.io;

import java.io.IOException;

/**
 * A {@code .safetensors} file (or byte array) that does not follow the format, or holds a tensor
 * this reader cannot convert. The message names the source and what is wrong.
 */
public final class SafetensorsFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public SafetensorsFormatException(String source, String problem) {
    super(source + ": " + problem);
  }

  public SafetensorsFormatException(String source, String problem, Throwable cause) {
    super(source + ": " + problem, cause);
  }
}
