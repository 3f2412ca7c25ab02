package io.lorastream.model.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lorastream.model.InputType;
import io.lorastream.model.eval.BeirDataset;
import io.lorastream.model.eval.BeirDocument;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reference embedder against langchain4j's own all-MiniLM-L6-v2 (the same ONNX file under ONNX
 * Runtime).
 */
class OnnxRuntimeEmbedderIT {
  private static OnnxRuntimeEmbedder embedder;
  private static LangChain4jEmbedder oracle;
  private static BeirDataset scifact;

  @BeforeAll
  static void load() {
    embedder = OnnxRuntimeEmbedder.allMiniLmL6V2(OnnxRuntimeConfig.defaults());
    oracle = LangChain4jEmbedder.allMiniLmL6V2();
    String datasets = System.getProperty("lorastream.datasets");
    assertThat(datasets)
        .as("system property lorastream.datasets (set by the parent pom)")
        .isNotNull();
    scifact = BeirDataset.load(Path.of(datasets, "scifact"));
  }

  @AfterAll
  static void close() {
    embedder.close();
  }

  @Test
  void shortTextsMatchTheLangChain4jOracle() {
    List<String> texts =
        new ArrayList<>(
            List.of(
                "hello",
                "Hello, world!",
                "  odd\twhitespace \n here  ",
                "Ünïcödé àccents",
                "日本語のテキスト",
                "Привет, мир",
                "emoji 🚀🔥 in text",
                "a",
                "x".repeat(40),
                "The quick brown fox jumps over the lazy dog."));
    scifact.queries().values().stream().limit(40).forEach(q -> texts.add(q.text()));
    float[][] ours = embedder.embed(texts, InputType.QUERY);
    float[][] ref = oracle.embed(texts, InputType.QUERY);
    for (int i = 0; i < texts.size(); i++) {
      assertThat(cosine(ours[i], ref[i]))
          .as("cosine for '%s'", texts.get(i))
          .isGreaterThanOrEqualTo(0.99999);
      assertThat(norm(ours[i])).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    }
  }

  @Test
  void theOracleTruncatesAt128TokensAsItsTokenizerJsonSays() {
    // langchain4j keeps the bundled tokenizer.json's truncation (128 tokens), so parity on long
    // texts
    // holds against our embedder at max length 128, not 256
    List<String> abstracts =
        scifact.corpus().values().stream().limit(8).map(BeirDocument::embeddingText).toList();
    float[][] ref = oracle.embed(abstracts, InputType.DOCUMENT);
    try (OnnxRuntimeEmbedder at128 =
        OnnxRuntimeEmbedder.allMiniLmL6V2(OnnxRuntimeConfig.defaults().withMaxLength(128))) {
      float[][] ours128 = at128.embed(abstracts, InputType.DOCUMENT);
      float[][] ours256 = embedder.embed(abstracts, InputType.DOCUMENT);
      double min256 = 1;
      for (int i = 0; i < abstracts.size(); i++) {
        assertThat(cosine(ours128[i], ref[i])).isGreaterThanOrEqualTo(0.99999);
        min256 = Math.min(min256, cosine(ours256[i], ref[i]));
      }
      assertThat(min256).as("abstracts longer than 128 tokens differ at 256").isLessThan(0.999);
      assertThat(at128.truncatedCount()).isPositive();
    }
  }

  @Test
  void batchingAndLengthSortingDoNotChangeTheVectorsOrTheirOrder() {
    List<String> texts =
        scifact.corpus().values().stream()
            .skip(100)
            .limit(40)
            .map(BeirDocument::embeddingText)
            .toList();
    float[][] batched = embedder.embed(texts, InputType.DOCUMENT);
    try (OnnxRuntimeEmbedder single =
        OnnxRuntimeEmbedder.allMiniLmL6V2(OnnxRuntimeConfig.defaults().withBatchSize(1))) {
      for (int i = 0; i < texts.size(); i++) {
        float[] alone = single.embed(List.of(texts.get(i)), InputType.DOCUMENT)[0];
        assertThat(cosine(batched[i], alone)).as("text %d", i).isGreaterThanOrEqualTo(0.99999);
      }
    }
  }

  @Test
  void emptyInputsAreHandled() {
    assertThat(embedder.embed(List.of(), InputType.QUERY)).isEmpty();
    float[] empty = embedder.embed(List.of(""), InputType.QUERY)[0]; // [CLS] [SEP] only
    assertThat(norm(empty)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    assertThat(embedder.dimension()).isEqualTo(384);
    assertThat(embedder.fingerprint())
        .startsWith("onnxruntime-reference/1;model-sha256=")
        .endsWith(";max-length=256");
    assertThatThrownBy(() -> OnnxRuntimeConfig.defaults().withMaxLength(513))
        .hasMessageContaining("maxLength");
  }

  @Test
  void printsThroughputAtBatch32And256Tokens() {
    // a figure for the report, not an assertion: benchmarks compare ratios measured in one run
    List<String> docs =
        scifact.corpus().values().stream().limit(224).map(BeirDocument::embeddingText).toList();
    embedder.embed(docs.subList(0, 32), InputType.DOCUMENT); // warm-up
    List<String> timed = docs.subList(32, docs.size());
    long t0 = System.nanoTime();
    embedder.embed(timed, InputType.DOCUMENT);
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        "{\"engine\":\"onnxruntime\",\"docs\":%d,\"batch\":32,\"max_length\":256,\"threads\":%d,"
            + "\"seconds\":%.2f,\"docs_per_second\":%.1f}%n",
        timed.size(), embedder.config().intraOpThreads(), seconds, timed.size() / seconds);
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
    }
    return dot / (norm(a) * norm(b));
  }

  static double norm(float[] a) {
    double s = 0;
    for (float x : a) {
      s += (double) x * x;
    }
    return Math.sqrt(s);
  }
}
