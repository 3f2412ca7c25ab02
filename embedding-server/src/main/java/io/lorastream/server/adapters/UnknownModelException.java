package io.lorastream.server.adapters;

/** The request names a model or version this server does not serve (HTTP 404). */
public final class UnknownModelException extends RuntimeException {
  public UnknownModelException(String message) {
    super(message);
  }
}
