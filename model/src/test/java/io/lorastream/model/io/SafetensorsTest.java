package io.lorastream.model.io;

import static io.lorastream.model.io.SafetensorsBytes.f32;
import static io.lorastream.model.io.SafetensorsBytes.u16;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lorastream.model.tensor.FloatTensor;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {

  @TempDir Path tmp;

  private static FloatTensor t(int[] shape, float... data) {
    return new FloatTensor(shape, data);
  }

  @Test
  void roundTripKeepsNamesShapesValuesAndMetadata() throws Exception {
    Map<String, FloatTensor> tensors = new LinkedHashMap<>();
    tensors.put("b.weight", t(new int[] {2, 3}, 1, -2, 3.5f, Float.MIN_VALUE, -0.0f, 1e30f));
    tensors.put("a.bias", t(new int[] {3}, 0.25f, 0.5f, 0.75f));
    tensors.put("scalar", t(new int[] {}, 42));
    tensors.put("empty", t(new int[] {0, 4}));
    Path file = tmp.resolve("m.safetensors");
    Safetensors.write(file, tensors, Map.of("format", "pt", "note", "héllo"));

    SafetensorsContent back = Safetensors.read(file);

    assertThat(back.tensors()).containsExactlyInAnyOrderEntriesOf(tensors);
    assertThat(back.metadata())
        .containsExactlyInAnyOrderEntriesOf(Map.of("format", "pt", "note", "héllo"));
    assertThat(Safetensors.decode(Files.readAllBytes(file), "bytes").tensors())
        .isEqualTo(back.tensors());
  }

  @Test
  void identicalTensorsGiveIdenticalBytesWhateverTheInsertionOrder() {
    Map<String, FloatTensor> one = new LinkedHashMap<>();
    one.put("x", t(new int[] {2}, 1, 2));
    one.put("a", t(new int[] {1}, Float.intBitsToFloat(0x7fc00001))); // a NaN with a payload
    Map<String, FloatTensor> two = new LinkedHashMap<>();
    two.put("a", t(new int[] {1}, Float.intBitsToFloat(0x7fc00001)));
    two.put("x", t(new int[] {2}, 1, 2));

    assertThat(Safetensors.encode(one, Map.of())).isEqualTo(Safetensors.encode(two, Map.of()));
  }

  /**
   * The byte string huggingface/safetensors asserts for this input in its own test_serialization
   * (safetensors/src/tensor.rs): a 64-byte header needing no padding, then six little-endian
   * floats.
   */
  @Test
  void writerProducesTheReferenceImplementationsBytes() {
    byte[] out =
        Safetensors.encode(Map.of("attn.0", t(new int[] {1, 2, 3}, 0, 1, 2, 3, 4, 5)), Map.of());

    String header = "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}";
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(64).array());
    expected.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
    expected.writeBytes(f32(0, 1, 2, 3, 4, 5));
    assertThat(header).hasSize(64);
    assertThat(out).isEqualTo(expected.toByteArray());
  }

  /**
   * Reference test_serialization_forced_alignement: a 65-byte header gets 7 spaces, length field
   * 72.
   */
  @Test
  void writerPadsTheHeaderWithSpacesToAMultipleOfEight() {
    byte[] out =
        Safetensors.encode(Map.of("attn0", t(new int[] {1, 1, 2, 3}, 0, 1, 2, 3, 4, 5)), Map.of());

    String header = "{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}";
    assertThat(header).hasSize(65);
    assertThat(ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).getLong()).isEqualTo(72);
    assertThat(new String(out, 8, 72, StandardCharsets.US_ASCII)).isEqualTo(header + "       ");
    assertThat(Arrays.copyOfRange(out, 80, out.length)).isEqualTo(f32(0, 1, 2, 3, 4, 5));
  }

  /** Reference test_empty with metadata {"framework": "pt"}: 34 bytes padded to 40. */
  @Test
  void writerPutsMetadataFirstLikeTheReference() {
    byte[] out = Safetensors.encode(Map.of(), Map.of("framework", "pt"));

    assertThat(ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).getLong()).isEqualTo(40);
    assertThat(new String(out, 8, 40, StandardCharsets.US_ASCII))
        .isEqualTo("{\"__metadata__\":{\"framework\":\"pt\"}}     ");
    assertThat(out).hasSize(48);
  }

  /**
   * A file laid out by hand from the format description, as other writers may produce it: header
   * keys in an order unrelated to the data order, F16, BF16 and F32 tensors, a scalar, metadata,
   * space padding.
   */
  @Test
  void readsAFileBuiltByteByByteFromTheSpec() throws Exception {
    byte[] file =
        new SafetensorsBytes()
            .metadata("{\"format\":\"pt\",\"source\":\"by hand\"}")
            .tensor(
                "z.f16",
                "F16",
                new int[] {2, 2},
                u16(0x3C00, 0xC000, 0x3555, 0x0001)) // 1, -2, 1365/4096, 2^-24
            .tensor(
                "a.bf16", "BF16", new int[] {3}, u16(0x3F80, 0x4049, 0xC2F7)) // 1, 3.140625, -123.5
            .tensor("m.f32", "F32", new int[] {}, f32(-7.25f))
            .build(true);
    Path path = tmp.resolve("hand.safetensors");
    Files.write(path, file);

    SafetensorsContent c = Safetensors.read(path);

    assertThat(c.metadata())
        .containsExactlyEntriesOf(
            new java.util.TreeMap<>(Map.of("format", "pt", "source", "by hand")));
    assertThat(c.tensors().get("z.f16"))
        .isEqualTo(t(new int[] {2, 2}, 1, -2, 0.333251953125f, 0x1.0p-24f));
    assertThat(c.tensors().get("a.bf16")).isEqualTo(t(new int[] {3}, 1, 3.140625f, -123.5f));
    assertThat(c.tensors().get("m.f32")).isEqualTo(t(new int[] {}, -7.25f));
    assertThat(Safetensors.readHeader(path).entry("z.f16").orElseThrow().dtype())
        .contains(SafetensorsDtype.F16);
  }

  @Test
  void unselectedTensorsOfOtherDtypesAreSkippedAndSelectedOnesRefused() throws Exception {
    Path path = tmp.resolve("bert.safetensors");
    Files.write(
        path,
        new SafetensorsBytes()
            .tensor("embeddings.position_ids", "I64", new int[] {1, 2}, new byte[16])
            .tensor("embeddings.weight", "F32", new int[] {2}, f32(1, 2))
            .build(true));

    SafetensorsContent c = Safetensors.read(path, name -> !name.endsWith("position_ids"));
    assertThat(c.tensors()).containsOnlyKeys("embeddings.weight");

    assertThatThrownBy(() -> Safetensors.read(path))
        .isInstanceOf(SafetensorsFormatException.class)
        .hasMessageContaining(path.toString())
        .hasMessageContaining("'embeddings.position_ids' has dtype I64")
        .hasMessageContaining("only F32, F16 and BF16");
  }

  // ---- every corruption gives its own error, naming the file ----

  private void assertRefused(byte[] file, String... messageParts) throws Exception {
    Path path = tmp.resolve("bad.safetensors");
    Files.write(path, file);
    var thrown =
        assertThatThrownBy(() -> Safetensors.read(path))
            .isInstanceOf(SafetensorsFormatException.class)
            .hasMessageStartingWith(path + ": ");
    for (String part : messageParts) {
      thrown.hasMessageContaining(part);
    }
    assertThatThrownBy(() -> Safetensors.decode(file, "record"))
        .isInstanceOf(SafetensorsFormatException.class);
  }

  private static byte[] good() {
    return new SafetensorsBytes()
        .tensor("w", "F32", new int[] {2, 3}, f32(1, 2, 3, 4, 5, 6))
        .build(true);
  }

  @Test
  void aFileShorterThanTheLengthFieldIsTruncated() throws Exception {
    assertRefused(new byte[] {8, 0, 0}, "truncated: 3 bytes");
  }

  @Test
  void aHeaderLengthAboveTheLimitIsOutOfRange() throws Exception {
    byte[] file = good();
    ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 200_000_000L);
    assertRefused(file, "header length 200000000 is out of range");
    ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1L);
    assertRefused(file, "header length 18446744073709551615 is out of range");
  }

  @Test
  void aHeaderLongerThanTheFileMeansTruncation() throws Exception {
    byte[] file = good();
    assertRefused(Arrays.copyOf(file, 40), "exceeds the 32 bytes that follow it", "truncated");
  }

  @Test
  void aHeaderThatIsNotJsonIsRefused() throws Exception {
    assertRefused(
        new SafetensorsBytes().withHeader("{\"w\": [1, 2", true), "header is not valid JSON");
    assertRefused(new SafetensorsBytes().withHeader("[1, 2, 3]", true), "does not start with '{'");
    assertRefused(new SafetensorsBytes().withHeader("{} {}", false), "header is not valid JSON");
  }

  @Test
  void duplicateTensorNamesAreRefused() throws Exception {
    SafetensorsBytes b =
        new SafetensorsBytes()
            .tensor("w", "F32", new int[] {1}, f32(1))
            .tensor("w", "F32", new int[] {1}, f32(2));
    assertRefused(b.build(true), "Duplicate field 'w'");
  }

  @Test
  void overlappingOffsetsAreRefused() throws Exception {
    SafetensorsBytes b =
        new SafetensorsBytes()
            .entry("a", "F32", new int[] {2}, 0, 8)
            .entry("b", "F32", new int[] {2}, 4, 12)
            .rawData(new byte[12]);
    assertRefused(b.build(true), "tensors 'a' [0, 8] and 'b' [4, 12] overlap");
  }

  @Test
  void offsetsBeyondTheDataAreOutOfBounds() throws Exception {
    SafetensorsBytes b =
        new SafetensorsBytes().entry("a", "F32", new int[] {4}, 0, 16).rawData(new byte[8]);
    assertRefused(
        b.build(true), "'a' data_offsets [0, 16] lie outside the data section of 8 bytes");
  }

  @Test
  void aShapeThatDisagreesWithTheByteCountIsRefused() throws Exception {
    SafetensorsBytes b =
        new SafetensorsBytes().entry("w", "F32", new int[] {2, 3}, 0, 20).rawData(new byte[20]);
    assertRefused(b.build(true), "'w' of shape [2, 3] and dtype F32 needs 24 bytes", "cover 20");
  }

  @Test
  void holesAndTrailingBytesInTheDataSectionAreRefused() throws Exception {
    SafetensorsBytes hole =
        new SafetensorsBytes()
            .entry("a", "F32", new int[] {1}, 0, 4)
            .entry("b", "F32", new int[] {1}, 8, 12)
            .rawData(new byte[12]);
    assertRefused(hole.build(true), "bytes 4..8 of the data section belong to no tensor");
    SafetensorsBytes trailing =
        new SafetensorsBytes().tensor("a", "F32", new int[] {1}, f32(1)).rawData(new byte[3]);
    assertRefused(
        trailing.build(true), "the data section has 7 bytes but the tensors cover only 4");
  }

  @Test
  void malformedEntriesAndMetadataAreRefused() throws Exception {
    assertRefused(
        new SafetensorsBytes()
            .metadata("{\"format\":1}")
            .tensor("a", "F32", new int[] {1}, f32(1))
            .build(true),
        "__metadata__ value of 'format' must be a string");
    assertRefused(
        new SafetensorsBytes()
            .rawData(new byte[4])
            .withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", true),
        "'a' needs data_offsets [begin, end]");
    assertRefused(
        new SafetensorsBytes()
            .rawData(new byte[4])
            .withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", true),
        "shape of tensor 'a' must hold non-negative integers");
  }

  @Test
  void missingFilesNameTheirPath() {
    Path missing = tmp.resolve("nope.safetensors");
    assertThatThrownBy(() -> Safetensors.read(missing)).hasMessageContaining(missing.toString());
  }
}
