package io.lorastream.model.io;

import io.lorastream.model.tensor.FloatTensor;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Tensors read from a safetensors file, converted to float32, and the file's {@code __metadata__}.
 *
 * @param tensors by name
 * @param metadata {@code __metadata__} strings; empty when the file has none
 */
public record SafetensorsContent(
    SortedMap<String, FloatTensor> tensors, SortedMap<String, String> metadata) {

  public SafetensorsContent {
    tensors = Collections.unmodifiableSortedMap(new TreeMap<>(tensors));
    metadata = Collections.unmodifiableSortedMap(new TreeMap<>(metadata));
  }
}
