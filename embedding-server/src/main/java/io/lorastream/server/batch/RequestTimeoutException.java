package io.lorastream.server.batch;

/** A request waited longer than request-timeout for its batch (HTTP 503 with Retry-After). */
public final class RequestTimeoutException extends RuntimeException {

  public RequestTimeoutException(long waitedMillis) {
    super(
        "the request waited "
            + waitedMillis
            + " ms for a forward pass, longer than request-timeout; the server"
            + " is overloaded, retry after the time in Retry-After");
  }
}
