package io.lorastream.server.batch;

/** The bounded queue has no room for a request's texts (HTTP 429 with Retry-After). */
public final class QueueFullException extends RuntimeException {

  public QueueFullException(int texts, int waiting, int capacity) {
    super(
        "the server is at capacity: "
            + waiting
            + " texts are waiting (queue capacity "
            + capacity
            + ") and this request brings "
            + texts
            + "; retry after the time in Retry-After");
  }
}
