package io.lorastream.model.io;

import java.util.Arrays;
import java.util.Optional;

/**
 * One tensor as a safetensors header describes it.
 *
 * @param name tensor name
 * @param dtypeName the header's dtype string, kept as written
 * @param dtype the dtype when this reader knows it
 * @param shape dimensions, outermost first; empty for a scalar
 * @param begin first byte, relative to the start of the data section
 * @param end one past the last byte, relative to the start of the data section
 */
public record SafetensorsEntry(
    String name,
    String dtypeName,
    Optional<SafetensorsDtype> dtype,
    long[] shape,
    long begin,
    long end) {

  public SafetensorsEntry {
    shape = shape.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  public long byteLength() {
    return end - begin;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SafetensorsEntry e
        && name.equals(e.name)
        && dtypeName.equals(e.dtypeName)
        && Arrays.equals(shape, e.shape)
        && begin == e.begin
        && end == e.end;
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + " " + dtypeName + Arrays.toString(shape) + " @[" + begin + ", " + end + ")";
  }
}
