package io.lorastream.server.api;

import io.lorastream.model.InputType;
import io.lorastream.server.adapters.ModelSpec;
import java.util.List;
import java.util.Set;

/**
 * A validated {@code POST /v1/embeddings} body.
 *
 * @param input the texts, at least one, none empty, each at most max-text-chars long
 * @param model what {@code model} named
 * @param dimensions Matryoshka truncation to this many leading dimensions (renormalised), or null
 *     for all
 * @param encodingFormat float or base64
 * @param inputType query or document (default query); with a query-mode adapter documents get base
 *     vectors
 * @param cutInputs indexes of the texts cut to max-text-chars (text-limit-policy truncate)
 */
public record EmbeddingRequest(
    List<String> input,
    ModelSpec model,
    Integer dimensions,
    EncodingFormat encodingFormat,
    InputType inputType,
    Set<Integer> cutInputs) {

  public EmbeddingRequest {
    input = List.copyOf(input);
    cutInputs = Set.copyOf(cutInputs);
  }
}
