package io.lorastream.schemas;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where a training pair came from. */
public enum PairKind {
  /**
   * Implicit feedback: a positive from clicks/dwell/thumbs up of one impression, negatives skipped
   * above it.
   */
  @JsonProperty("click")
  CLICK,
  /** An explicit relevance label; {@code label} holds grade / 3. */
  @JsonProperty("label")
  LABEL
}
