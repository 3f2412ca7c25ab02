package io.lorastream.model.adapter;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * The signed withdrawal of one adapter version ({@link AdapterWithdrawal}): a small versioned
 * container that travels as the value of the {@link #HEADER} header on the version's tombstone. Its
 * reader and writer live here and only here. All integers are big-endian.
 *
 * <pre>
 * offset  size  field
 * 0       4     magic "LSAW" (lorastream adapter withdrawal)
 * 4       2     format version (u16), currently 1
 * 6       2     K = key length (u16), then K bytes: the withdrawn version's Kafka key, UTF-8 (scifact@000003)
 * .       8     withdrawn at, epoch milliseconds (i64)
 * .       2     R = reason length (u16, at most 1024), then R bytes: why, UTF-8
 * .       2     S = signature length (u16), then S bytes: Ed25519 signature (S = 64)
 * </pre>
 *
 * The signature covers every byte before the signature length field, as in adapter records; the
 * different magic keeps a signature over one kind of container from being read as the other. The
 * key inside must equal the key of the tombstone that carries it, so a withdrawal cannot be
 * replayed onto another version. The tombstone itself stays a tombstone (null value): log
 * compaction removes the version's weights as before.
 */
public final class AdapterWithdrawalCodec {

  /** The Kafka header on a tombstone that holds the signed withdrawal. */
  public static final String HEADER = "lorastream-withdrawal";

  /** The version this code writes. Readers accept it and the one before. */
  public static final int FORMAT_VERSION = 1;

  static final byte[] MAGIC = "LSAW".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_KEY_BYTES = 128;

  private AdapterWithdrawalCodec() {}

  /** The framed pieces, before the signature is checked. */
  record Framed(int version, AdapterWithdrawal withdrawal, int signedLength, byte[] signature) {}

  /** Encodes and signs a withdrawal. */
  public static byte[] encode(AdapterWithdrawal w, AdapterSigner signer) {
    byte[] key = w.key().toString().getBytes(StandardCharsets.UTF_8);
    byte[] reason = w.reason().getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + key.length + reason.length);
    out.writeBytes(MAGIC);
    out.writeBytes(ByteBuffer.allocate(2).putShort((short) FORMAT_VERSION).array());
    out.writeBytes(ByteBuffer.allocate(2).putShort((short) key.length).array());
    out.writeBytes(key);
    out.writeBytes(ByteBuffer.allocate(8).putLong(w.withdrawnAt().toEpochMilli()).array());
    out.writeBytes(ByteBuffer.allocate(2).putShort((short) reason.length).array());
    out.writeBytes(reason);
    byte[] signed = out.toByteArray();
    byte[] signature = signer.sign(signed, signed.length);
    return ByteBuffer.allocate(signed.length + 2 + signature.length)
        .put(signed)
        .putShort((short) signature.length)
        .put(signature)
        .array();
  }

  /**
   * Splits a header value into its fields, checking magic, version and lengths; the signature is
   * not checked.
   */
  static Framed unframe(byte[] value, String source) throws AdapterFormatException {
    if (value.length < MAGIC.length + 2) {
      throw Json.malformed(source, "truncated: " + value.length + " bytes, too short for a header");
    }
    if (!Arrays.equals(value, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw Json.malformed(source, "does not start with the adapter withdrawal magic 'LSAW'");
    }
    ByteBuffer in = ByteBuffer.wrap(value);
    in.position(MAGIC.length);
    int version = Short.toUnsignedInt(in.getShort());
    return switch (version) {
      case 1 -> unframeV1(in, source);
      default ->
          throw new AdapterFormatException(
              RefusalReason.UNSUPPORTED_VERSION,
              source
                  + ": adapter withdrawal format version "
                  + version
                  + " is not supported: this lorastream reads"
                  + " version "
                  + FORMAT_VERSION
                  + (version > FORMAT_VERSION ? "; upgrade the embedding server" : ""));
    };
  }

  private static Framed unframeV1(ByteBuffer in, String source) throws AdapterFormatException {
    String keyText = utf8(field(in, "key", MAX_KEY_BYTES, source), "key", source);
    AdapterKey key;
    try {
      key = AdapterKey.parse(keyText);
    } catch (IllegalArgumentException e) {
      throw Json.malformed(source, e.getMessage());
    }
    if (in.remaining() < 8) {
      throw Json.malformed(source, "truncated before the withdrawal time");
    }
    long millis = in.getLong();
    String reason =
        utf8(field(in, "reason", AdapterWithdrawal.MAX_REASON_BYTES, source), "reason", source);
    int signedLength = in.position();
    if (in.remaining() < 2) {
      throw Json.malformed(source, "truncated before the signature");
    }
    int sigLength = Short.toUnsignedInt(in.getShort());
    if (sigLength != AdapterRecordCodec.ED25519_SIGNATURE_LENGTH) {
      throw Json.malformed(
          source,
          "signature length is "
              + sigLength
              + " bytes; an Ed25519 signature has "
              + AdapterRecordCodec.ED25519_SIGNATURE_LENGTH);
    }
    if (in.remaining() != sigLength) {
      throw Json.malformed(
          source,
          in.remaining() < sigLength
              ? "truncated inside the signature (" + in.remaining() + " of " + sigLength + " bytes)"
              : (in.remaining() - sigLength) + " unexpected bytes after the signature");
    }
    byte[] signature = new byte[sigLength];
    in.get(signature);
    Instant at;
    try {
      at = Instant.ofEpochMilli(millis);
    } catch (java.time.DateTimeException e) {
      throw Json.malformed(source, "withdrawal time " + millis + " is out of range");
    }
    return new Framed(1, new AdapterWithdrawal(key, at, reason), signedLength, signature);
  }

  private static byte[] field(ByteBuffer in, String what, int max, String source)
      throws AdapterFormatException {
    if (in.remaining() < 2) {
      throw Json.malformed(source, "truncated before the " + what + " length");
    }
    int length = Short.toUnsignedInt(in.getShort());
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
    byte[] bytes = new byte[length];
    in.get(bytes);
    return bytes;
  }

  private static String utf8(byte[] bytes, String what, String source)
      throws AdapterFormatException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw Json.malformed(source, "the " + what + " is not valid UTF-8");
    }
  }
}
