package io.lorastream.trainer.checkpoint;

import java.util.Locale;

/**
 * A checkpoints-topic record the trainer will not restore, with why: a bounded reason for metrics
 * and a message.
 */
public final class CheckpointRefused extends IllegalArgumentException {

  /** Why; the lower-case name is the metric tag. */
  public enum Reason {
    /** No 'LSCK' magic, or too short to hold a checkpoint. */
    NOT_A_CHECKPOINT,
    /** A format version this trainer does not read (an older or newer trainer wrote it). */
    UNSUPPORTED_VERSION,
    /** Larger than max-record-bytes, or its JSON inflates past checkpoint-max-json-bytes. */
    TOO_LARGE,
    /**
     * Its MAC does not verify with the checkpoint key: forged, damaged, moved, or written under
     * another key.
     */
    NOT_AUTHENTIC,
    /**
     * Authentic but undecodable, or for another adapter or partition than its key and place say.
     */
    UNREADABLE,
    /** A tombstone: nothing to restore, and nobody can tell who wrote it. */
    TOMBSTONE;

    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Reason reason;

  CheckpointRefused(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  CheckpointRefused(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
