package io.lorastream.model.eval;

import io.lorastream.model.LorastreamHome;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Corpus embeddings on disk, so the minutes a corpus takes to embed are spent once per (embedder,
 * corpus) and not by every eval run, test and demo.
 *
 * <p>A file is keyed by {@link Key}: the embedder fingerprint the caller supplies (it must change
 * whenever the vectors would: base weights, max length, adapter) and the corpus file's sha256.
 * Files are written to a temporary name and moved into place, so a reader never sees half a file. A
 * file that is truncated, corrupt (CRC32 mismatch), of another format version or for another key is
 * ignored with a warning; the caller recomputes and overwrites it.
 *
 * <p>Format {@value #FORMAT_VERSION}, big-endian: magic {@code LSEM}, int version, string
 * fingerprint, string corpus sha256, int N, int D, N strings (ids), N x D floats, long CRC32 of
 * everything before it. Strings are an int byte length then UTF-8. Changing how document text is
 * built from a corpus record must bump the version.
 */
public final class EmbeddingCache {
  public static final int FORMAT_VERSION = 1;

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddingCache.class);
  private static final int MAGIC = 0x4C53454D; // "LSEM"
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  /**
   * What a cached matrix was computed from.
   *
   * @param embedderFingerprint e.g. base model sha256 + max length + adapter sha256 or "base"
   * @param corpusSha256 hex sha256 of the corpus file ({@link BeirDataset#corpusSha256()})
   */
  public record Key(String embedderFingerprint, String corpusSha256) {
    public Key {
      if (embedderFingerprint == null || embedderFingerprint.isBlank()) {
        throw new IllegalArgumentException("embedderFingerprint must not be blank");
      }
      if (corpusSha256 == null || !HEX64.matcher(corpusSha256).matches()) {
        throw new IllegalArgumentException(
            "corpusSha256 must be 64 lowercase hex digits, got " + corpusSha256);
      }
    }
  }

  private final Path directory;

  public EmbeddingCache(Path directory) {
    this.directory = directory;
  }

  /** A cache in {@link #defaultDirectory()}. */
  public static EmbeddingCache atDefaultLocation() {
    return new EmbeddingCache(defaultDirectory());
  }

  /** {@code <home>/cache/embeddings}, home as {@link LorastreamHome} resolves it. */
  public static Path defaultDirectory() {
    return LorastreamHome.dir().resolve("cache").resolve("embeddings");
  }

  public Path directory() {
    return directory;
  }

  /** The file that holds (or would hold) the matrix for {@code key}. */
  public Path fileFor(Key key) {
    var sha = BeirDataset.sha256();
    sha.update(
        ("v" + FORMAT_VERSION + "\0" + key.embedderFingerprint() + "\0" + key.corpusSha256())
            .getBytes(StandardCharsets.UTF_8));
    return directory.resolve(HexFormat.of().formatHex(sha.digest()).substring(0, 40) + ".emb");
  }

  /**
   * The cached matrix, or empty when there is none or it cannot be trusted (logged as a warning).
   */
  public Optional<EmbeddingMatrix> load(Key key) {
    Path file = fileFor(key);
    try {
      return Optional.of(read(file, key));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "ignoring embedding cache file {} ({}); the embeddings will be recomputed",
          file,
          e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Writes atomically. A failure (read-only or full disk) is logged and otherwise ignored: the
   * cache only saves time.
   *
   * @return whether the file was written
   */
  public boolean store(Key key, EmbeddingMatrix matrix) {
    Path file = fileFor(key);
    Path tmp = null;
    try {
      Files.createDirectories(directory);
      tmp = Files.createTempFile(directory, file.getFileName().toString(), ".tmp");
      try (OutputStream out = Files.newOutputStream(tmp)) {
        write(out, key, matrix);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      return true;
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "could not write embedding cache file {} ({}); continuing without it",
          file,
          e.getMessage());
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the temp file is named *.tmp and harmless; the warning above already reported the cause
        }
      }
      return false;
    }
  }

  /** The cached matrix, or {@code compute}'s result, stored for next time. */
  public EmbeddingMatrix getOrCompute(Key key, Supplier<EmbeddingMatrix> compute) {
    Optional<EmbeddingMatrix> cached = load(key);
    if (cached.isPresent()) {
      return cached.get();
    }
    EmbeddingMatrix computed = compute.get();
    store(key, computed);
    return computed;
  }

  private static void write(OutputStream raw, Key key, EmbeddingMatrix m) throws IOException {
    CRC32 crc = new CRC32();
    DataOutputStream out =
        new DataOutputStream(new CheckedOutputStream(new BufferedOutputStream(raw, 1 << 16), crc));
    out.writeInt(MAGIC);
    out.writeInt(FORMAT_VERSION);
    writeString(out, key.embedderFingerprint());
    writeString(out, key.corpusSha256());
    out.writeInt(m.size());
    out.writeInt(m.dimension());
    for (String id : m.ids()) {
      writeString(out, id);
    }
    ByteBuffer row = ByteBuffer.allocate(m.dimension() * Float.BYTES);
    for (int i = 0; i < m.size(); i++) {
      row.clear();
      row.asFloatBuffer().put(m.values(), i * m.dimension(), m.dimension());
      out.write(row.array());
    }
    out.flush();
    // the checksum covers everything above; written through the raw stream so it is not summed
    // itself
    DataOutputStream tail = new DataOutputStream(raw);
    tail.writeLong(crc.getValue());
    tail.flush();
  }

  private static EmbeddingMatrix read(Path file, Key key) throws IOException {
    long fileSize = Files.size(file);
    CRC32 crc = new CRC32();
    try (var rawIn = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      DataInputStream in = new DataInputStream(new CheckedInputStream(rawIn, crc));
      try {
        if (in.readInt() != MAGIC) {
          throw new IOException("not an embedding cache file (bad magic)");
        }
        int version = in.readInt();
        if (version != FORMAT_VERSION) {
          throw new IOException(
              "format version " + version + ", this build reads " + FORMAT_VERSION);
        }
        String fingerprint = readString(in, fileSize);
        String corpusSha = readString(in, fileSize);
        if (!fingerprint.equals(key.embedderFingerprint())
            || !corpusSha.equals(key.corpusSha256())) {
          throw new IOException(
              "written for embedder '"
                  + fingerprint
                  + "' and corpus "
                  + corpusSha
                  + ", not the requested key");
        }
        int n = in.readInt();
        int d = in.readInt();
        if (n < 1 || d < 1 || (long) n * d * Float.BYTES > fileSize) {
          throw new IOException(
              "header claims " + n + " x " + d + " floats, more than the file holds");
        }
        List<String> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          ids.add(readString(in, fileSize));
        }
        float[] values = new float[n * d];
        byte[] row = new byte[d * Float.BYTES];
        for (int i = 0; i < n; i++) {
          in.readFully(row);
          ByteBuffer.wrap(row).asFloatBuffer().get(values, i * d, d);
        }
        long expected = crc.getValue();
        long stored = new DataInputStream(rawIn).readLong();
        if (stored != expected) {
          throw new IOException("checksum mismatch (file corrupt)");
        }
        if (rawIn.read() != -1) {
          throw new IOException("trailing bytes after the checksum");
        }
        return new EmbeddingMatrix(ids, d, values);
      } catch (EOFException e) {
        throw new IOException("file ends early (truncated)", e);
      }
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in, long fileSize) throws IOException {
    int len = in.readInt();
    if (len < 0 || len > fileSize) {
      throw new IOException(
          "string length " + len + " is impossible in a " + fileSize + "-byte file");
    }
    byte[] b = new byte[len];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
