package io.lorastream.trainer.checkpoint;

import io.lorastream.model.adapter.AdapterSigner;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticates checkpoints: HMAC-SHA256 with a key only trainers hold, over the adapter, the
 * partition and the checkpoint's bytes. Whoever can write the checkpoints topic but lacks the key
 * cannot make a trainer restore (and then sign and publish) weights of their choosing, nor move a
 * real checkpoint under another adapter or partition.
 *
 * <p>The key, in this order: the file {@code checkpoint-key} names; the text of {@code
 * $LORASTREAM_CHECKPOINT_KEY}; else a secret derived from the adapter signing key ({@link
 * AdapterSigner#deriveSecret}), which every trainer of a deployment holds anyway, so no second
 * secret is needed. A separate key keeps checkpoints valid across a change of the signing key. Keys
 * given as text or file: at least 32 bytes, surrounding whitespace ignored. Thread-safe.
 */
public final class CheckpointMac {

  /** The environment variable holding the key when no file is configured. */
  static final String ENV = "LORASTREAM_CHECKPOINT_KEY";

  static final String DERIVATION_PURPOSE = "lorastream/checkpoint-mac/v1";
  static final int LENGTH = 32;
  private static final int MIN_KEY_BYTES = 32;

  private final SecretKeySpec key;
  private final String origin;

  private CheckpointMac(byte[] key, String origin) {
    if (key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(
          "the checkpoint key from "
              + origin
              + " has "
              + key.length
              + " bytes; it needs at least "
              + MIN_KEY_BYTES
              + " (e.g. 'openssl rand -base64 48')");
    }
    this.key = new SecretKeySpec(key, "HmacSHA256");
    this.origin = origin;
  }

  /** The key of a deployment (see the class comment for the order). */
  public static CheckpointMac resolve(
      Path file, Function<String, String> env, AdapterSigner signer) {
    if (file != null) {
      try {
        return new CheckpointMac(strip(Files.readAllBytes(file)), "checkpoint-key " + file);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot read checkpoint-key " + file + ": " + e.getMessage(), e);
      }
    }
    String text = env.apply(ENV);
    if (text != null && !text.isBlank()) {
      return new CheckpointMac(text.strip().getBytes(StandardCharsets.UTF_8), "$" + ENV);
    }
    return derivedFrom(signer);
  }

  /** A key given as bytes (at least 32). */
  public static CheckpointMac of(byte[] key, String origin) {
    return new CheckpointMac(key.clone(), origin);
  }

  /** The key derived from the adapter signing key. */
  public static CheckpointMac derivedFrom(AdapterSigner signer) {
    return new CheckpointMac(
        signer.deriveSecret(DERIVATION_PURPOSE), "the adapter signing key (derived)");
  }

  /** Where the key came from, for logs. */
  public String origin() {
    return origin;
  }

  /** The MAC of {@code data[0, length)} for {@code adapter}'s checkpoint in {@code partition}. */
  byte[] mac(String adapter, int partition, byte[] data, int length) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      byte[] name = adapter.getBytes(StandardCharsets.UTF_8);
      mac.update(ByteBuffer.allocate(8).putInt(name.length).putInt(partition).array());
      mac.update(name);
      mac.update(data, 0, length);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is unavailable: " + e.getMessage(), e);
    }
  }

  /**
   * True when the last {@link #LENGTH} bytes of {@code value} are the MAC of the rest (compared in
   * constant time).
   */
  boolean verify(String adapter, int partition, byte[] value) {
    if (value.length < LENGTH) {
      return false;
    }
    int body = value.length - LENGTH;
    return MessageDigest.isEqual(
        mac(adapter, partition, value, body), Arrays.copyOfRange(value, body, value.length));
  }

  private static byte[] strip(byte[] b) {
    int from = 0;
    int to = b.length;
    while (from < to && Character.isWhitespace(b[from])) {
      from++;
    }
    while (to > from && Character.isWhitespace(b[to - 1])) {
      to--;
    }
    return Arrays.copyOfRange(b, from, to);
  }
}
