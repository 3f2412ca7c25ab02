package io.lorastream.schemas;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Who judged a query-document pair. */
public enum LabelSource {
  @JsonProperty("annotator")
  ANNOTATOR,
  @JsonProperty("llm")
  LLM,
  @JsonProperty("user")
  USER
}
