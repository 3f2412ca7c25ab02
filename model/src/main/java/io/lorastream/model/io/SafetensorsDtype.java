package io.lorastream.model.io;

import java.util.Optional;

/**
 * The element types the safetensors format names, with their sizes. Only {@link #F32}, {@link #F16}
 * and {@link #BF16} can be read into float32 tensors; the others are known so that a header holding
 * them still validates (a BERT checkpoint may carry an I64 {@code position_ids} buffer the caller
 * never asks for).
 */
public enum SafetensorsDtype {
  BOOL(1),
  U8(1),
  I8(1),
  F8_E5M2(1),
  F8_E4M3(1),
  I16(2),
  U16(2),
  F16(2),
  BF16(2),
  I32(4),
  U32(4),
  F32(4),
  F64(8),
  I64(8),
  U64(8);

  private final int byteSize;

  SafetensorsDtype(int byteSize) {
    this.byteSize = byteSize;
  }

  public int byteSize() {
    return byteSize;
  }

  /** True when {@link Safetensors} converts this type to float32 on the host. */
  public boolean readableAsFloat32() {
    return this == F32 || this == F16 || this == BF16;
  }

  /**
   * The dtype of a header's {@code dtype} string, empty when the format version is newer than this
   * list.
   */
  public static Optional<SafetensorsDtype> fromHeaderName(String name) {
    for (SafetensorsDtype d : values()) {
      if (d.name().equals(name)) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }
}
