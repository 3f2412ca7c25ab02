package io.lorastream.model.encoder;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import io.lorastream.model.Embedder;
import io.lorastream.model.EncoderEmbedder;
import io.lorastream.model.InputType;
import io.lorastream.model.reference.OnnxRuntimeConfig;
import io.lorastream.model.reference.OnnxRuntimeEmbedder;
import io.lorastream.model.runtime.Precision;
import io.lorastream.model.serving.EngineChoice;
import io.lorastream.model.serving.ServingEmbedder;
import io.lorastream.model.serving.ServingEngine;
import io.lorastream.model.serving.ServingEngines;
import io.lorastream.model.testing.Datasets;
import io.lorastream.model.tokenize.TextTokenizer;
import io.lorastream.model.weights.BaseModel;
import io.lorastream.model.weights.BaseModelLoader;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every serving path against the oracle: the same all-MiniLM-L6-v2 ONNX file run by ONNX Runtime
 * through langchain4j's {@link AllMiniLmL6V2EmbeddingModel}. The paths: the trainer's DJL encoder
 * (the PyTorch engine serves through it) and the ONNX Runtime serving engine on its generated
 * graph.
 *
 * <p>langchain4j tokenizes with the bundled tokenizer.json as it is, which truncates at 128 tokens
 * (we measured: a 249-token abstract matches our encoder at max length 128 with cosine 1.0000000
 * and differs at 256). So the oracle's max length is 128 and texts up to 128 tokens are compared
 * with it; texts of 129 to 256 tokens are compared with the same ONNX file under ONNX Runtime
 * driven directly at max length 256 ({@link OnnxRuntimeEmbedder}).
 */
class EncoderParityIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ORACLE_MAX_TOKENS = 128;

  private static BaseModel base;
  private static BertEncoder encoder;
  private static TextTokenizer tokenizer;
  private static AllMiniLmL6V2EmbeddingModel oracle;
  private static OnnxRuntimeEmbedder onnxAt256;
  private static ServingEngine ortServing;

  @BeforeAll
  static void setUp() throws Exception {
    base = BaseModelLoader.loadDefault();
    encoder = BertEncoder.load(base, Device.cpu(), Precision.FP32);
    tokenizer = TextTokenizer.load(base.tokenizerJson(), TextTokenizer.DEFAULT_MAX_LENGTH);
    oracle = new AllMiniLmL6V2EmbeddingModel();
    onnxAt256 =
        OnnxRuntimeEmbedder.allMiniLmL6V2(
            OnnxRuntimeConfig.defaults().withMaxLength(TextTokenizer.DEFAULT_MAX_LENGTH));
    ortServing = ServingEngines.open(EngineChoice.ONNXRUNTIME, base, Device.cpu(), Precision.FP32);
  }

  /** The serving paths under test, by name. */
  private static Embedder path(String name) {
    return switch (name) {
      case "pytorch" -> EncoderEmbedder.symmetric(encoder, tokenizer);
      case "onnxruntime" ->
          ServingEmbedder.symmetric(ortServing.base(), tokenizer, base.config().hiddenSize());
      default -> throw new IllegalArgumentException(name);
    };
  }

  @AfterAll
  static void tearDown() {
    ortServing.close();
    onnxAt256.close();
    tokenizer.close();
    encoder.close();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pytorch", "onnxruntime"})
  void embeddingsMatchOnnxRuntimeForFiveHundredVariedTexts(String servingPath) throws Exception {
    List<String> texts = variedTexts();
    assertThat(texts).hasSizeGreaterThanOrEqualTo(500);
    float[][] ours = path(servingPath).embed(texts, InputType.DOCUMENT);

    int compared = 0;
    int longer = 0;
    double worst = 1;
    String worstText = null;
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      if (exceedsMaxLength(text)) {
        longer++;
        continue; // truncated by us at 256 tokens
      }
      float[] reference =
          tokenizer.countTokens(text) > ORACLE_MAX_TOKENS
              ? onnxAt256
                  .embed(List.of(text), InputType.DOCUMENT)[0] // the oracle would cut it at 128
              : oracle.embed(text).content().vector();
      double cos = cosine(ours[i], reference);
      if (cos < 0.9999) {
        System.out.printf("parity: cosine %.6f for %s%n", cos, JSON.writeValueAsString(text));
      }
      if (cos < worst) {
        worst = cos;
        worstText = text;
      }
      compared++;
    }
    System.out.printf(
        "parity (%s): %d texts compared, %d longer than %d tokens, worst cosine %.7f%n",
        servingPath, compared, longer, tokenizer.maxLength(), worst);
    assertThat(compared).isGreaterThanOrEqualTo(430);
    assertThat(longer)
        .as("SciFact abstracts over the max length are in the set")
        .isGreaterThanOrEqualTo(20);
    assertThat(worst).as("worst text: %s", worstText).isGreaterThanOrEqualTo(0.9999);
  }

  @Test
  void textsOverTheMaxLengthAreTruncatedAndCountedNotRefused() throws Exception {
    List<String> abstracts =
        sciFactAbstracts(200).stream().filter(this::exceedsMaxLength).limit(5).toList();
    assertThat(abstracts).hasSize(5);
    long before = tokenizer.truncatedTexts();
    float[][] vectors =
        EncoderEmbedder.symmetric(encoder, tokenizer).embed(abstracts, InputType.DOCUMENT);
    assertThat(tokenizer.truncatedTexts() - before).isEqualTo(5);
    for (float[] v : vectors) {
      assertThat(norm(v)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    }
  }

  @Test
  void fp16EmbeddingsStayCloseToFp32() throws Exception {
    List<String> texts =
        List.of(
            "myocardial infarction",
            "Aspirin lowers the risk of a second heart attack.",
            "日本語のテキスト");
    try (BertEncoder half = BertEncoder.load(base, Device.cpu(), Precision.FP16)) {
      float[][] full = EncoderEmbedder.symmetric(encoder, tokenizer).embed(texts, InputType.QUERY);
      float[][] reduced = EncoderEmbedder.symmetric(half, tokenizer).embed(texts, InputType.QUERY);
      for (int i = 0; i < texts.size(); i++) {
        assertThat(cosine(full[i], reduced[i])).isGreaterThan(0.999);
      }
    }
  }

  private boolean exceedsMaxLength(String text) {
    return tokenizer.tokenize(List.of(text)).get(0).truncated();
  }

  static List<String> variedTexts() throws Exception {
    List<String> texts = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(42);
    // single words, from the tokenizer's own vocabulary and from the domain
    JsonNode vocab = JSON.readTree(base.tokenizerJson().toFile()).path("model").path("vocab");
    List<String> words = new ArrayList<>();
    vocab
        .fieldNames()
        .forEachRemaining(
            w -> {
              if (w.matches("[a-z]{3,}")) {
                words.add(w);
              }
            });
    for (int i = 0; i < 120; i++) {
      texts.add(words.get(random.nextInt(words.size())));
    }
    texts.addAll(
        List.of(
            "MI",
            "myocardial",
            "injunction",
            "COVID-19",
            "p53",
            "IL-6",
            "BRCA1",
            "mRNA",
            "x",
            "?"));
    // sentences: SciFact claims
    texts.addAll(sciFactClaims(160));
    // documents, many longer than 256 tokens
    texts.addAll(sciFactAbstracts(100));
    // non-Latin scripts
    String[] scripts = {
      "心肌梗死是一种严重的疾病。", "日本語のテキストを埋め込みます。", "Инфаркт миокарда опасен для жизни.",
      "احتشاء عضلة القلب مرض خطير", "हृदयाघात एक गंभीर बीमारी है।",
          "Το έμφραγμα του μυοκαρδίου είναι σοβαρό.",
      "심근경색은 심각한 질환입니다.", "אוטם שריר הלב הוא מחלה קשה", "โรคกล้ามเนื้อหัวใจตายเป็นโรคร้ายแรง",
      "Miyokard enfarktüsü ciddi bir hastalıktır.", "Nhồi máu cơ tim là bệnh nguy hiểm.", "ሰላም ለዓለም"
    };
    for (int i = 0; i < 60; i++) {
      texts.add(scripts[i % scripts.length] + (i >= scripts.length ? " " + i : ""));
    }
    // emoji
    String[] emoji = {
      "🙂",
      "❤️",
      "🧬",
      "💊🩺",
      "👩🏽‍⚕️",
      "🇯🇵",
      "🔥🔥🔥",
      "😀 happy patient",
      "drug 💉 trial",
      "🦠 virus spread"
    };
    for (int i = 0; i < 30; i++) {
      texts.add(
          emoji[i % emoji.length] + (i >= emoji.length ? " " + emoji[(i * 3) % emoji.length] : ""));
    }
    // odd whitespace and invisible characters
    String[] odd = {
      "  leading spaces", "trailing spaces   ", "tabs\tbetween\twords", "new\nlines\n\nhere",
          "\r\nwindows line end",
      "non\u00a0breaking\u00a0space", "zero\u200bwidth\u200bspace", "   padded   ", "\t\ttabbed\t",
          "mixed \t \n whitespace  \u2003 em space"
    };
    for (int i = 0; i < 30; i++) {
      texts.add(odd[i % odd.length] + (i >= odd.length ? " variant " + i : ""));
    }
    return texts;
  }

  static List<String> sciFactClaims(int n) throws Exception {
    List<String> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(Datasets.scifact().resolve("queries.jsonl"))) {
      for (String line = r.readLine(); line != null && out.size() < n; line = r.readLine()) {
        out.add(JSON.readTree(line).path("text").asText());
      }
    }
    return out;
  }

  static List<String> sciFactAbstracts(int n) throws Exception {
    List<String> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(Datasets.scifact().resolve("corpus.jsonl"))) {
      for (String line = r.readLine(); line != null && out.size() < n; line = r.readLine()) {
        JsonNode doc = JSON.readTree(line);
        out.add(doc.path("title").asText() + " " + doc.path("text").asText());
      }
    }
    return out;
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0, na = 0, nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }
}
