package io.lorastream.model.adapter;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The value of an adapters-topic record: one versioned, signed container. Its reader and writer
 * live here and only here. All integers are big-endian.
 *
 * <pre>
 * offset  size  field
 * 0       4     magic "LSAR" (lorastream adapter record)
 * 4       2     format version (u16), currently 1
 * 6       4     M = manifest length (u32), then M bytes: the manifest, compact UTF-8 JSON
 * .       4     C = config length (u32),   then C bytes: adapter_config.json, as PEFT writes it
 * .       4     W = weights length (u32),  then W bytes: adapter_model.safetensors
 * .       2     S = signature length (u16), then S bytes: Ed25519 signature (S = 64)
 * </pre>
 *
 * The signature covers every byte before the signature length field: magic, version, manifest,
 * config and weights exactly as they travel, so a verifier checks it before parsing any JSON and no
 * canonical re-serialisation is involved. Nothing may follow the signature. The writer is
 * deterministic (sorted manifest maps, deterministic safetensors, Ed25519 signatures are
 * deterministic by construction), so the same version always gives the same bytes. Binary framing
 * rather than JSON with base64 blobs keeps the weights at their size (base64 would add a third) and
 * needs no escaping rules.
 */
public final class AdapterRecordCodec {

  /** The version this code writes. Readers accept it and the one before. */
  public static final int FORMAT_VERSION = 1;

  static final byte[] MAGIC = "LSAR".getBytes(StandardCharsets.US_ASCII);
  static final int ED25519_SIGNATURE_LENGTH = 64;
  private static final int MAX_JSON_BYTES = 1 << 20;

  private AdapterRecordCodec() {}

  /** The framed pieces of a record, before any of them is parsed or trusted. */
  record Framed(
      int version,
      byte[] manifest,
      byte[] config,
      byte[] weights,
      int signedLength,
      byte[] signature) {}

  /**
   * Encodes and signs one adapter version.
   *
   * @throws IllegalArgumentException when {@code manifest.adapterSha256()} is not the hash of the
   *     weights
   */
  public static byte[] encode(
      AdapterManifest manifest, PeftAdapterFiles files, AdapterSigner signer) {
    if (!manifest.adapterSha256().equals(files.weightsSha256())) {
      throw new IllegalArgumentException(
          "manifest of "
              + manifest.key()
              + " states adapter sha256 "
              + manifest.adapterSha256()
              + " but the weights hash to "
              + files.weightsSha256());
    }
    byte[] manifestJson = AdapterManifestJson.write(manifest);
    byte[] config = files.adapterConfigJson();
    byte[] weights = files.adapterModelSafetensors();
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(weights.length + config.length + manifestJson.length + 96);
    out.writeBytes(MAGIC);
    out.writeBytes(ByteBuffer.allocate(2).putShort((short) FORMAT_VERSION).array());
    writeSection(out, manifestJson);
    writeSection(out, config);
    writeSection(out, weights);
    byte[] signed = out.toByteArray();
    byte[] signature = signer.sign(signed, signed.length);
    ByteBuffer value = ByteBuffer.allocate(signed.length + 2 + signature.length);
    value.put(signed).putShort((short) signature.length).put(signature);
    return value.array();
  }

  /**
   * Decodes a record <em>without</em> checking its signature or contents: for inspection tools
   * only. Anything that loads an adapter goes through {@link AdapterVerifier}.
   */
  public static AdapterRecord readUnverified(byte[] value) throws AdapterFormatException {
    Framed f = unframe(value, "adapter record");
    return new AdapterRecord(
        f.version(),
        AdapterManifestJson.read(f.manifest(), "adapter record manifest"),
        new PeftAdapterFiles(f.config(), f.weights()),
        f.signature());
  }

  /** Splits a value into its sections, checking magic, version and lengths. */
  static Framed unframe(byte[] value, String source) throws AdapterFormatException {
    if (value.length < MAGIC.length + 2) {
      throw Json.malformed(source, "truncated: " + value.length + " bytes, too short for a header");
    }
    if (!Arrays.equals(value, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw Json.malformed(source, "does not start with the adapter record magic 'LSAR'");
    }
    ByteBuffer in = ByteBuffer.wrap(value);
    in.position(MAGIC.length);
    int version = Short.toUnsignedInt(in.getShort());
    return switch (version) {
      case 1 -> unframeV1(in, source);
      // when version 2 arrives: case 2 -> unframeV2(...); version 1 stays readable (N and N-1)
      default ->
          throw new AdapterFormatException(
              RefusalReason.UNSUPPORTED_VERSION,
              source
                  + ": adapter record format version "
                  + version
                  + " is not supported: this lorastream reads version "
                  + FORMAT_VERSION
                  + (version > FORMAT_VERSION ? "; upgrade the embedding server" : ""));
    };
  }

  private static Framed unframeV1(ByteBuffer in, String source) throws AdapterFormatException {
    byte[] manifest = section(in, "manifest", MAX_JSON_BYTES, source);
    byte[] config = section(in, "adapter_config.json", MAX_JSON_BYTES, source);
    byte[] weights = section(in, "adapter_model.safetensors", Integer.MAX_VALUE, source);
    int signedLength = in.position();
    if (in.remaining() < 2) {
      throw Json.malformed(source, "truncated before the signature");
    }
    int sigLength = Short.toUnsignedInt(in.getShort());
    if (sigLength != ED25519_SIGNATURE_LENGTH) {
      throw Json.malformed(
          source,
          "signature length is "
              + sigLength
              + " bytes; an Ed25519 signature has "
              + ED25519_SIGNATURE_LENGTH);
    }
    if (in.remaining() < sigLength) {
      throw Json.malformed(
          source,
          "truncated inside the signature (" + in.remaining() + " of " + sigLength + " bytes)");
    }
    byte[] signature = new byte[sigLength];
    in.get(signature);
    if (in.hasRemaining()) {
      throw Json.malformed(source, in.remaining() + " unexpected bytes after the signature");
    }
    return new Framed(1, manifest, config, weights, signedLength, signature);
  }

  private static byte[] section(ByteBuffer in, String what, int max, String source)
      throws AdapterFormatException {
    if (in.remaining() < 4) {
      throw Json.malformed(source, "truncated before the " + what + " length");
    }
    long length = Integer.toUnsignedLong(in.getInt());
    if (length > max) {
      throw Json.malformed(
          source, what + " length " + length + " exceeds the limit of " + max + " bytes");
    }
    if (length > in.remaining()) {
      throw Json.malformed(
          source,
          "truncated: the "
              + what
              + " needs "
              + length
              + " bytes but "
              + in.remaining()
              + " remain");
    }
    byte[] bytes = new byte[(int) length];
    in.get(bytes);
    return bytes;
  }

  private static void writeSection(ByteArrayOutputStream out, byte[] bytes) {
    out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
    out.writeBytes(bytes);
  }
}
