package io.lorastream.server.adapters;

/**
 * The server cannot answer yet (still reading the adapters topic); the client should retry (HTTP
 * 503).
 */
public final class NotReadyException extends RuntimeException {
  public NotReadyException(String message) {
    super(message);
  }
}
