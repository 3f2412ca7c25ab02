package io.lorastream.model.io;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.lorastream.model.tensor.FloatTensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Reads and writes Hugging Face safetensors files on the host, without an engine.
 *
 * <p>Why not DJL's own support ({@code NDList.decode}/{@code NDList.encode(Encoding.SAFETENSORS)}
 * in 0.36): it needs an {@code NDManager}, i.e. a loaded engine, where this code runs in the
 * trainer's publisher and the server's verifier before any engine work; it builds the header from a
 * hash map, so key order and thus bytes vary, while these bytes are hashed and signed; it neither
 * writes nor returns {@code __metadata__}; it checks neither overlapping offsets nor byte counts;
 * and it would turn a BF16 checkpoint into a BF16 NDArray, which aborts the JVM in this DJL
 * version. The format is small, so it is implemented here with Jackson for the header.
 *
 * <p>Reading converts F32, F16 and BF16 to float32; other dtypes are refused when asked for.
 * Writing emits F32 only, deterministically: {@code __metadata__} first, then tensors sorted by
 * name with contiguous offsets, compact JSON padded with spaces to a multiple of 8 bytes (as the
 * reference writer does), so identical tensors always give identical bytes.
 */
public final class Safetensors {

  private static final JsonFactory JSON = new JsonFactory();

  private Safetensors() {}

  /** Reads every tensor of {@code file}. */
  public static SafetensorsContent read(Path file) throws IOException {
    return read(file, name -> true);
  }

  /**
   * Reads the tensors of {@code file} whose names {@code wanted} accepts; the whole header is
   * validated either way. A wanted tensor of a dtype other than F32, F16 or BF16 is refused.
   */
  public static SafetensorsContent read(Path file, Predicate<String> wanted) throws IOException {
    String source = file.toString();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      SafetensorsHeader header = readHeader(ch, source);
      SortedMap<String, FloatTensor> tensors = new TreeMap<>();
      for (SafetensorsEntry e : header.entries()) {
        if (wanted.test(e.name())) {
          checkConvertible(e, source);
          ByteBuffer bytes =
              ch.map(FileChannel.MapMode.READ_ONLY, header.dataStart() + e.begin(), e.byteLength());
          tensors.put(e.name(), toFloatTensor(e, bytes));
        }
      }
      return new SafetensorsContent(tensors, header.metadata());
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(source, null, "no such safetensors file");
    }
  }

  /** Reads and validates only the header of {@code file}: names, dtypes, shapes, metadata. */
  public static SafetensorsHeader readHeader(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return readHeader(ch, file.toString());
    }
  }

  /** Decodes a whole safetensors file held in memory; {@code source} names it in error messages. */
  public static SafetensorsContent decode(byte[] bytes, String source)
      throws SafetensorsFormatException {
    ByteBuffer all = ByteBuffer.wrap(bytes);
    long n = SafetensorsHeader.headerLength(all, bytes.length, source);
    byte[] headerBytes = Arrays.copyOfRange(bytes, 8, 8 + (int) n);
    SafetensorsHeader header = SafetensorsHeader.parse(headerBytes, bytes.length - 8 - n, source);
    SortedMap<String, FloatTensor> tensors = new TreeMap<>();
    for (SafetensorsEntry e : header.entries()) {
      checkConvertible(e, source);
      ByteBuffer slice =
          ByteBuffer.wrap(bytes, (int) (header.dataStart() + e.begin()), (int) e.byteLength())
              .slice();
      tensors.put(e.name(), toFloatTensor(e, slice));
    }
    return new SafetensorsContent(tensors, header.metadata());
  }

  /**
   * Encodes float32 tensors and metadata as safetensors bytes, deterministically (see the class
   * comment).
   *
   * @param tensors by name; names must be non-empty and not {@code __metadata__}
   * @param metadata written as {@code __metadata__} when not empty
   */
  public static byte[] encode(Map<String, FloatTensor> tensors, Map<String, String> metadata) {
    SortedMap<String, FloatTensor> sorted = new TreeMap<>(tensors);
    long dataLength = 0;
    for (Map.Entry<String, FloatTensor> e : sorted.entrySet()) {
      if (e.getKey().isEmpty() || e.getKey().equals(SafetensorsHeader.METADATA_KEY)) {
        throw new IllegalArgumentException("invalid safetensors tensor name '" + e.getKey() + "'");
      }
      dataLength += 4L * e.getValue().size();
    }
    byte[] header = headerJson(sorted, new TreeMap<>(metadata));
    int padding = (8 - header.length % 8) % 8;
    long total = 8L + header.length + padding + dataLength;
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "tensors too large for one in-memory safetensors file: " + total + " bytes");
    }
    ByteBuffer out = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(header.length + padding);
    out.put(header);
    for (int i = 0; i < padding; i++) {
      out.put((byte) ' ');
    }
    for (FloatTensor t : sorted.values()) {
      // putFloat writes raw bits, so NaN payloads survive and equal tensors give equal bytes
      out.asFloatBuffer().put(t.data());
      out.position(out.position() + 4 * t.size());
    }
    return out.array();
  }

  /**
   * Writes {@link #encode} output to {@code file} atomically (a temporary file in the same folder,
   * then a move).
   */
  public static void write(
      Path file, Map<String, FloatTensor> tensors, Map<String, String> metadata)
      throws IOException {
    AtomicFiles.write(file, encode(tensors, metadata));
  }

  private static SafetensorsHeader readHeader(FileChannel ch, String source) throws IOException {
    long size = ch.size();
    ByteBuffer prefix = ByteBuffer.allocate(8);
    readFully(ch, prefix, 0);
    long n = SafetensorsHeader.headerLength(prefix, size, source);
    ByteBuffer headerBytes = ByteBuffer.allocate((int) n);
    readFully(ch, headerBytes, 8);
    return SafetensorsHeader.parse(headerBytes.array(), size - 8 - n, source);
  }

  private static void readFully(FileChannel ch, ByteBuffer into, long position) throws IOException {
    long pos = position;
    while (into.hasRemaining()) {
      int read = ch.read(into, pos);
      if (read < 0) {
        break; // the size checks before every read make this unreachable for a file that does not
        // shrink
      }
      pos += read;
    }
  }

  private static void checkConvertible(SafetensorsEntry e, String source)
      throws SafetensorsFormatException {
    if (e.dtype().isEmpty() || !e.dtype().get().readableAsFloat32()) {
      throw new SafetensorsFormatException(
          source,
          "tensor '"
              + e.name()
              + "' has dtype "
              + e.dtypeName()
              + ", which lorastream does not read: only F32, F16 and BF16 are converted to float32");
    }
    long[] shape = e.shape();
    long count = e.byteLength() / e.dtype().get().byteSize();
    if (count > Integer.MAX_VALUE - 8) {
      throw new SafetensorsFormatException(
          source,
          "tensor '" + e.name() + "' has " + count + " elements, more than one Java array holds");
    }
    for (long d : shape) {
      if (d > Integer.MAX_VALUE) {
        throw new SafetensorsFormatException(
            source, "tensor '" + e.name() + "' has a dimension above 2^31: " + d);
      }
    }
  }

  private static FloatTensor toFloatTensor(SafetensorsEntry e, ByteBuffer bytes) {
    int[] shape = Arrays.stream(e.shape()).mapToInt(Math::toIntExact).toArray();
    ByteBuffer le = bytes.order(ByteOrder.LITTLE_ENDIAN);
    int count = (int) (e.byteLength() / e.dtype().orElseThrow().byteSize());
    float[] data = new float[count];
    switch (e.dtype().orElseThrow()) {
      case F32 -> le.asFloatBuffer().get(data);
      case F16 -> {
        for (int i = 0; i < count; i++) {
          data[i] = HalfFloats.f16ToFloat(le.getShort(2 * i));
        }
      }
      case BF16 -> {
        for (int i = 0; i < count; i++) {
          data[i] = HalfFloats.bf16ToFloat(le.getShort(2 * i));
        }
      }
      default -> throw new IllegalStateException("unreachable: checked by checkConvertible");
    }
    return new FloatTensor(shape, data);
  }

  private static byte[] headerJson(
      SortedMap<String, FloatTensor> tensors, SortedMap<String, String> metadata) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(buf, JsonEncoding.UTF8)) {
      g.writeStartObject();
      if (!metadata.isEmpty()) {
        g.writeObjectFieldStart(SafetensorsHeader.METADATA_KEY);
        for (Map.Entry<String, String> m : metadata.entrySet()) {
          g.writeStringField(m.getKey(), m.getValue());
        }
        g.writeEndObject();
      }
      long offset = 0;
      for (Map.Entry<String, FloatTensor> e : tensors.entrySet()) {
        FloatTensor t = e.getValue();
        g.writeObjectFieldStart(e.getKey());
        g.writeStringField("dtype", SafetensorsDtype.F32.name());
        g.writeArrayFieldStart("shape");
        for (int d : t.shape()) {
          g.writeNumber(d);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("data_offsets");
        g.writeNumber(offset);
        offset += 4L * t.size();
        g.writeNumber(offset);
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to memory cannot fail", e);
    }
    return buf.toByteArray();
  }
}
