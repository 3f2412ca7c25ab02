package io.lorastream.server.batch;

/** The server is stopping and takes no more work (HTTP 503). */
public final class ShuttingDownException extends RuntimeException {

  public ShuttingDownException() {
    super("the server is shutting down; retry on another replica");
  }
}
