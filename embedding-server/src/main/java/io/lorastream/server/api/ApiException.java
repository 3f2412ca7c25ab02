package io.lorastream.server.api;

/**
 * An error answered in OpenAI's shape: {@code {"error":{"message","type","param","code"}}}.
 *
 * @see ApiErrors
 */
public final class ApiException extends RuntimeException {

  private final int status;
  private final String type;
  private final String param;
  private final String code;
  private final boolean retryable;

  public ApiException(
      int status, String type, String message, String param, String code, boolean retryable) {
    super(message);
    this.status = status;
    this.type = type;
    this.param = param;
    this.code = code;
    this.retryable = retryable;
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  /** The request field at fault, or null. */
  public String param() {
    return param;
  }

  /** A short machine-readable code, or null. */
  public String code() {
    return code;
  }

  /** Whether the answer carries {@code Retry-After} (429, 503). */
  public boolean retryable() {
    return retryable;
  }
}
