package io.lorastream.schemas;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a user did with a shown result. */
public enum InteractionType {
  /** Opened the result; may carry {@code dwell_ms}. */
  @JsonProperty("click")
  CLICK,
  /**
   * Reports the time spent on a result opened earlier; carries {@code dwell_ms}. Implies a click.
   */
  @JsonProperty("dwell")
  DWELL,
  @JsonProperty("thumbs_up")
  THUMBS_UP,
  @JsonProperty("thumbs_down")
  THUMBS_DOWN
}
