package io.lorastream.model.adapter;

import java.io.IOException;

/**
 * An adapter folder or record that cannot be used; the message names the file or record and the
 * problem, and {@link #reason()} classifies it.
 */
public final class AdapterFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  private final RefusalReason reason;

  public AdapterFormatException(RefusalReason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public AdapterFormatException(RefusalReason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public RefusalReason reason() {
    return reason;
  }
}
