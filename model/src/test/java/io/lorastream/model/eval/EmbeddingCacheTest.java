package io.lorastream.model.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingCacheTest {
  private static final String SHA = "ab".repeat(32);
  private static final EmbeddingCache.Key KEY = new EmbeddingCache.Key("base;max-length=256", SHA);
  private static final EmbeddingMatrix M =
      EmbeddingMatrix.of(
          List.of("d1", "ünïcode-id", "d3"),
          new float[][] {{0.6f, 0.8f}, {-1f, 0f}, {Float.MIN_VALUE, 1e-30f}});

  @TempDir Path tmp;

  @Test
  void aStoredMatrixLoadsBackBitForBit() {
    EmbeddingCache cache = new EmbeddingCache(tmp.resolve("a/b"));
    assertThat(cache.load(KEY)).isEmpty();
    assertThat(cache.store(KEY, M)).isTrue();
    assertThat(cache.load(KEY)).contains(M);
  }

  @Test
  void getOrComputeComputesOnlyOnce() {
    EmbeddingCache cache = new EmbeddingCache(tmp);
    AtomicInteger calls = new AtomicInteger();
    cache.getOrCompute(
        KEY,
        () -> {
          calls.incrementAndGet();
          return M;
        });
    EmbeddingMatrix again =
        cache.getOrCompute(
            KEY,
            () -> {
              calls.incrementAndGet();
              return M;
            });
    assertThat(calls).hasValue(1);
    assertThat(again).isEqualTo(M);
  }

  @Test
  void keysWithAnotherFingerprintOrCorpusUseOtherFiles() {
    EmbeddingCache cache = new EmbeddingCache(tmp);
    cache.store(KEY, M);
    assertThat(cache.load(new EmbeddingCache.Key("adapter=abc", SHA))).isEmpty();
    assertThat(cache.load(new EmbeddingCache.Key(KEY.embedderFingerprint(), "cd".repeat(32))))
        .isEmpty();
  }

  @Test
  void aCorruptFileIsIgnoredAndRecomputed() throws Exception {
    EmbeddingCache cache = new EmbeddingCache(tmp);
    cache.store(KEY, M);
    Path file = cache.fileFor(KEY);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 12] ^= 0x10; // a float bit: only the checksum can tell
    Files.write(file, bytes);

    assertThat(cache.load(KEY)).isEmpty();
    AtomicInteger calls = new AtomicInteger();
    assertThat(
            cache.getOrCompute(
                KEY,
                () -> {
                  calls.incrementAndGet();
                  return M;
                }))
        .isEqualTo(M);
    assertThat(calls).hasValue(1);
    assertThat(cache.load(KEY)).contains(M); // overwritten with a good file
  }

  @Test
  void aTruncatedOrForeignFileIsIgnored() throws Exception {
    EmbeddingCache cache = new EmbeddingCache(tmp);
    cache.store(KEY, M);
    Path file = cache.fileFor(KEY);
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertThat(cache.load(KEY)).isEmpty();
    Files.writeString(file, "not a cache file");
    assertThat(cache.load(KEY)).isEmpty();
  }

  @Test
  void aFileOfAnotherFormatVersionIsIgnored() throws Exception {
    EmbeddingCache cache = new EmbeddingCache(tmp);
    cache.store(KEY, M);
    Path file = cache.fileFor(KEY);
    byte[] bytes = Files.readAllBytes(file);
    bytes[7] = 99; // the version int follows the 4-byte magic
    Files.write(file, bytes);
    assertThat(cache.load(KEY)).isEmpty();
  }

  @Test
  void writingLeavesNoTemporaryFileBehind() throws Exception {
    EmbeddingCache cache = new EmbeddingCache(tmp);
    cache.store(KEY, M);
    cache.store(KEY, M);
    try (Stream<Path> files = Files.list(tmp)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactly(cache.fileFor(KEY).getFileName().toString());
    }
  }

  @Test
  void anUnwritableDirectoryOnlyCostsTheCache() throws Exception {
    Path notADir = Files.writeString(tmp.resolve("file"), "x");
    EmbeddingCache cache = new EmbeddingCache(notADir.resolve("cache"));
    assertThat(cache.store(KEY, M)).isFalse();
    assertThat(cache.getOrCompute(KEY, () -> M)).isEqualTo(M);
  }
}
