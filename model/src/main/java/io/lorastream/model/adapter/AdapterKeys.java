package io.lorastream.model.adapter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ed25519 keys for signing adapter records, with the JDK's own provider. Keys are stored as PEM
 * files (PKCS#8 "PRIVATE KEY", X.509 SubjectPublicKeyInfo "PUBLIC KEY": what {@code openssl genpkey
 * -algorithm ed25519} writes) or given as text from configuration or the environment: the same PEM,
 * or just its base64 body.
 */
public final class AdapterKeys {

  public static final String PRIVATE_KEY_FILE = "adapter-signing.key";
  public static final String PUBLIC_KEY_FILE = "adapter-signing.pub";

  private static final Pattern PEM =
      Pattern.compile(
          "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----", Pattern.DOTALL);
  private static final String PRIVATE_PEM_TYPE = "PRIVATE KEY";
  private static final String PUBLIC_PEM_TYPE = "PUBLIC KEY";

  private AdapterKeys() {}

  public static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK lacks Ed25519 (Java 15+ provides it)", e);
    }
  }

  public static String toPem(PrivateKey key) {
    return pem(PRIVATE_PEM_TYPE, requireEd25519(key, "private key").getEncoded());
  }

  public static String toPem(PublicKey key) {
    return pem(PUBLIC_PEM_TYPE, requireEd25519(key, "public key").getEncoded());
  }

  /**
   * Writes a private key PEM readable by its owner only (mode 600 where the file system has modes).
   */
  public static void writePrivateKey(Path file, PrivateKey key, boolean replace)
      throws IOException {
    byte[] pem = toPem(key).getBytes(StandardCharsets.US_ASCII);
    if (replace) {
      Files.deleteIfExists(file);
    }
    Set<PosixFilePermission> ownerOnly =
        EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    try {
      // created with its final mode, so the key is never readable by others, not even briefly
      Files.createFile(file, PosixFilePermissions.asFileAttribute(ownerOnly));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    }
    Files.write(file, pem, StandardOpenOption.TRUNCATE_EXISTING);
  }

  public static void writePublicKey(Path file, PublicKey key, boolean replace) throws IOException {
    byte[] pem = toPem(key).getBytes(StandardCharsets.US_ASCII);
    if (!replace && Files.exists(file)) {
      throw new FileAlreadyExistsException(file.toString());
    }
    Files.write(file, pem);
  }

  public static PrivateKey readPrivateKey(Path file) throws IOException {
    return parsePrivateKey(read(file, "private"), file.toString());
  }

  public static PublicKey readPublicKey(Path file) throws IOException {
    return parsePublicKey(read(file, "public"), file.toString());
  }

  /**
   * Parses a private key given as PKCS#8 PEM or as the base64 of the PKCS#8 DER.
   *
   * @param source names the key's origin in errors (a path, or e.g. {@code env
   *     LORASTREAM_SIGNING_KEY})
   */
  public static PrivateKey parsePrivateKey(String text, String source) throws IOException {
    byte[] der = der(text, PRIVATE_PEM_TYPE, "private", source);
    try {
      return requireEd25519(
          KeyFactory.getInstance("EdDSA").generatePrivate(new PKCS8EncodedKeySpec(der)), source);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException(
          source
              + ": not an Ed25519 private key in PKCS#8 form ("
              + e.getMessage()
              + ")"
              + "; generate one with './lorastream keys generate --out DIR'",
          e);
    }
  }

  /** Parses a public key given as X.509 SubjectPublicKeyInfo PEM or as the base64 of its DER. */
  public static PublicKey parsePublicKey(String text, String source) throws IOException {
    byte[] der = der(text, PUBLIC_PEM_TYPE, "public", source);
    try {
      return requireEd25519(
          KeyFactory.getInstance("EdDSA").generatePublic(new X509EncodedKeySpec(der)), source);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException(
          source
              + ": not an Ed25519 public key in X.509 form ("
              + e.getMessage()
              + ")"
              + "; use the adapter-signing.pub written by './lorastream keys generate'",
          e);
    }
  }

  /**
   * The public key of an Ed25519 private key. The JDK has no call for this; its key-pair generator
   * draws the 32-byte private key from the random source it is given and derives the public key
   * from it (RFC 8032, 5.1.5), so a source that yields exactly this key's bytes makes it derive
   * this key's public key. The result is checked by signing and verifying, so a provider that drew
   * its bytes otherwise would fail here rather than yield a wrong key.
   */
  public static PublicKey publicKeyOf(PrivateKey key) {
    EdECPrivateKey ed = (EdECPrivateKey) requireEd25519(key, "private key");
    byte[] seed =
        ed.getBytes()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "the Ed25519 private key does not expose its bytes (a hardware key?); its public key cannot be derived"))
            .clone();
    SecureRandom fixed =
        new SecureRandom() {
          private static final long serialVersionUID = 1L;

          @Override
          public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
              throw new IllegalStateException(
                  "expected a request for " + seed.length + " bytes, got " + bytes.length);
            }
            System.arraycopy(seed, 0, bytes, 0, seed.length);
          }
        };
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
      g.initialize(NamedParameterSpec.ED25519, fixed);
      KeyPair pair = g.generateKeyPair();
      byte[] probe = "lorastream public key derivation".getBytes(StandardCharsets.US_ASCII);
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(key);
      s.update(probe);
      byte[] signature = s.sign();
      s.initVerify(pair.getPublic());
      s.update(probe);
      if (!s.verify(signature)) {
        throw new IllegalStateException(
            "the derived Ed25519 public key does not verify the private key's signature");
      }
      return pair.getPublic();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot derive the Ed25519 public key: " + e.getMessage(), e);
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  /** A short, stable name for a public key: sha256 of its X.509 encoding, first 16 hex digits. */
  public static String fingerprint(PublicKey key) {
    return "ed25519:" + Digests.sha256Hex(key.getEncoded()).substring(0, 16);
  }

  private static String read(Path file, String which) throws IOException {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(
          file.toString(),
          null,
          "no "
              + which
              + " key file; create a key pair with './lorastream keys generate --out DIR'");
    } catch (java.nio.charset.MalformedInputException e) {
      throw new IOException(
          file + ": not a PEM " + which + " key file (it holds non-ASCII bytes)", e);
    }
  }

  private static byte[] der(String text, String pemType, String which, String source)
      throws IOException {
    if (text == null || text.isBlank()) {
      throw new IOException(source + ": the " + which + " key is empty");
    }
    String body = text.strip();
    Matcher m = PEM.matcher(body);
    if (m.find()) {
      if (!m.group(1).equals(pemType)) {
        throw new IOException(
            source
                + ": holds a '"
                + m.group(1)
                + "' PEM block, expected '"
                + pemType
                + "' (PKCS#8 / X.509);"
                + " convert it with 'openssl pkey' or generate keys with './lorastream keys generate'");
      }
      body = m.group(2);
    } else if (body.contains("-----BEGIN")) {
      throw new IOException(source + ": malformed PEM (no matching END line for the BEGIN line)");
    }
    byte[] der;
    try {
      der = Base64.getDecoder().decode(body.replaceAll("\\s", ""));
    } catch (IllegalArgumentException e) {
      throw new IOException(
          source + ": the " + which + " key is neither PEM nor base64: " + e.getMessage(), e);
    }
    if (der.length == 32) {
      throw new IOException(
          source
              + ": this is a raw 32-byte key; lorastream expects the "
              + (pemType.equals(PRIVATE_PEM_TYPE) ? "PKCS#8" : "X.509")
              + " encoding as written by './lorastream keys generate'");
    }
    return der;
  }

  private static <K extends Key> K requireEd25519(K key, String source) {
    if (!(key instanceof EdECKey ed) || !ed.getParams().getName().equalsIgnoreCase("Ed25519")) {
      throw new IllegalArgumentException(
          source
              + " is "
              + key.getAlgorithm()
              + (key instanceof EdECKey ed2 ? " (" + ed2.getParams().getName() + ")" : "")
              + ", expected Ed25519");
    }
    return key;
  }

  private static String pem(String type, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }
}
