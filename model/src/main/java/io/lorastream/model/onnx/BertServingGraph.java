package io.lorastream.model.onnx;

import static io.lorastream.model.onnx.OnnxModelWriter.FLOAT;
import static io.lorastream.model.onnx.OnnxModelWriter.INT32;
import static io.lorastream.model.onnx.OnnxModelWriter.INT64;

import io.lorastream.model.encoder.EncoderConfig;
import io.lorastream.model.lora.LoraTarget;
import io.lorastream.model.onnx.OnnxModelWriter.Attribute;
import io.lorastream.model.tensor.FloatTensor;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Generates the ONNX graph that serves a BERT-family sentence encoder under ONNX Runtime: the same
 * function as {@code BertEncoder.embed} (embeddings + LayerNorm, post-LN layers with erf GELU, mean
 * pooling over real tokens, L2 normalisation), on packed texts, optionally with LoRA adapters
 * applied on the fly.
 *
 * <p>Texts come packed without padding, as in {@code PackedTokens}: every linear layer, LayerNorm
 * and GELU runs on the M real tokens only. Attention alone needs texts side by side: Q, K and V are
 * gathered into a padded [B, T, H] layout, attended by ONNX Runtime's fused {@code
 * com.microsoft.MultiHeadAttention} with the padding masked, and the context is gathered back to
 * [M, H]. Output: [B, H] unit vectors.
 *
 * <p>Every base weight is an initializer (ONNX Runtime packs constant matrices once for its
 * kernels). The linears of the {@code adapted} targets take LoRA factors from each run, y = x W^T +
 * b + (x A^T) (s B)^T, so one session serves every adapter version of a configuration, a version
 * costing only its factors. The update's two skinny products add about 2 r (in + out) / (in x out)
 * to an adapted linear's work (4% at r = 8 on a 384-wide layer).
 *
 * <p>Inputs (M packed tokens, B texts, T the longest text, P = B x T, R the adapter's rank): {@code
 * input_ids}, {@code token_type_ids}, {@code position_ids} int64 [M]; {@code pad_index} int64 [P]
 * (the packed row of each padded slot; any row for a padding slot); {@code unpad_index} int64 [M]
 * (the padded slot of each packed row); {@code key_padding_mask} int32 [B, T] (1 = real token);
 * {@code pooling} float [B, M] (1/length where a token belongs to a text); and per adapted linear
 * {@link #loraA} [R, in] and {@link #loraB} [out, R], B already multiplied by the adapter's
 * scaling.
 */
public final class BertServingGraph {

  public static final String OUTPUT = "embeddings";
  static final String MS = "com.microsoft";
  private static final long OPSET = 17;

  private BertServingGraph() {}

  /** The graph input carrying A [R, in] of the adapted linear {@code target} in {@code layer}. */
  public static String loraA(int layer, LoraTarget target) {
    return target.moduleName(layer) + ".lora_A";
  }

  /** The graph input carrying s B [out, R]. */
  public static String loraB(int layer, LoraTarget target) {
    return target.moduleName(layer) + ".lora_B";
  }

  /**
   * @param config the architecture
   * @param weights every tensor of the base model under Hugging Face names
   * @param adapted the linears (in every layer) that take LoRA factors from each run; empty for the
   *     base alone
   * @return the model's bytes
   */
  public static byte[] build(
      EncoderConfig config, Map<String, FloatTensor> weights, Set<LoraTarget> adapted) {
    OnnxModelWriter g = new OnnxModelWriter(OPSET).domain(MS, 1);
    int h = config.hiddenSize();
    float eps = (float) config.layerNormEps();
    g.input("input_ids", INT64, "M");
    g.input("token_type_ids", INT64, "M");
    g.input("position_ids", INT64, "M");
    g.input("pad_index", INT64, "P");
    g.input("unpad_index", INT64, "M");
    g.input("key_padding_mask", INT32, "B", "T");
    g.input("pooling", FLOAT, "B", "M");
    for (String name :
        List.of(
            "embeddings.word_embeddings.weight",
            "embeddings.position_embeddings.weight",
            "embeddings.token_type_embeddings.weight",
            "embeddings.LayerNorm.weight",
            "embeddings.LayerNorm.bias")) {
      g.initializer(name, weights.get(name));
    }
    // [M, H]
    String words =
        g.node(
            "",
            "Gather",
            List.of("embeddings.word_embeddings.weight", "input_ids"),
            List.of("words"));
    String types =
        g.node(
            "",
            "Gather",
            List.of("embeddings.token_type_embeddings.weight", "token_type_ids"),
            List.of("types"));
    String positions =
        g.node(
            "",
            "Gather",
            List.of("embeddings.position_embeddings.weight", "position_ids"),
            List.of("positions"));
    String sum =
        g.node(
            "",
            "Add",
            List.of(g.node("", "Add", List.of(words, types), List.of("words_types")), positions),
            List.of("embedding_sum"));
    String x =
        g.node(
            "",
            "LayerNormalization",
            List.of(sum, "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias"),
            List.of("embedded"),
            Attribute.of("axis", -1L),
            Attribute.of("epsilon", eps));
    // [B, T, H] from the mask's [B, T]
    g.initializer("hidden_dim", new long[] {1}, (long) h);
    g.initializer("rows_by_hidden", new long[] {2}, -1L, h);
    String maskShape = g.node("", "Shape", List.of("key_padding_mask"), List.of("mask_shape"));
    String paddedShape =
        g.node(
            "",
            "Concat",
            List.of(maskShape, "hidden_dim"),
            List.of("padded_shape"),
            Attribute.of("axis", 0L));
    for (int layer = 0; layer < config.numLayers(); layer++) {
      x = new Layer(g, config, weights, adapted, layer).build(x, paddedShape, eps);
    }
    // mean pooling as a product with the pooling matrix, then L2 normalisation as F.normalize (eps
    // 1e-12)
    String pooled = g.node("", "MatMul", List.of("pooling", x), List.of("pooled")); // [B, H]
    String norm =
        g.node(
            "",
            "ReduceL2",
            List.of(pooled),
            List.of("norm"),
            Attribute.ints("axes", 1),
            Attribute.of("keepdims", 1L)); // [B, 1]
    g.initializer("norm_eps", new long[] {}, 1e-12f);
    String safe = g.node("", "Max", List.of(norm, "norm_eps"), List.of("safe_norm"));
    g.node("", "Div", List.of(pooled, safe), List.of(OUTPUT));
    g.output(OUTPUT, FLOAT, "B", (long) h);
    return g.toBytes("lorastream-bert-serving");
  }

  /** One post-LN layer on packed token vectors [M, H]. */
  private record Layer(
      OnnxModelWriter g,
      EncoderConfig c,
      Map<String, FloatTensor> w,
      Set<LoraTarget> adapted,
      int index) {

    String build(String x, String paddedShape, float eps) {
      String p = "encoder.layer." + index + ".";
      String o = "l" + index + "_";
      for (String name :
          List.of(
              "attention.output.dense.bias",
              "attention.output.LayerNorm.weight",
              "attention.output.LayerNorm.bias",
              "intermediate.dense.bias",
              "output.dense.bias",
              "output.LayerNorm.weight",
              "output.LayerNorm.bias")) {
        g.initializer(p + name, w.get(p + name));
      }
      // the three projection biases, concatenated as MultiHeadAttention adds them: [3H]
      int h = c.hiddenSize();
      float[] qkvBias = new float[3 * h];
      System.arraycopy(w.get(p + "attention.self.query.bias").data(), 0, qkvBias, 0, h);
      System.arraycopy(w.get(p + "attention.self.key.bias").data(), 0, qkvBias, h, h);
      System.arraycopy(w.get(p + "attention.self.value.bias").data(), 0, qkvBias, 2 * h, h);
      g.initializer(p + "attention.self.qkv_bias", new long[] {3L * h}, qkvBias);

      String[] padded = new String[3];
      LoraTarget[] projections = {LoraTarget.QUERY, LoraTarget.KEY, LoraTarget.VALUE};
      for (int i = 0; i < 3; i++) {
        String projected =
            linear(projections[i], x, null, o + projections[i].configName()); // [M, H], bias in MHA
        String gathered =
            g.node(
                "",
                "Gather",
                List.of(projected, "pad_index"),
                List.of(projected + "_gathered")); // [P, H]
        padded[i] =
            g.node(
                "",
                "Reshape",
                List.of(gathered, paddedShape),
                List.of(projected + "_padded")); // [B, T, H]
      }
      String context =
          g.node(
              MS,
              "MultiHeadAttention",
              List.of(
                  padded[0],
                  padded[1],
                  padded[2],
                  p + "attention.self.qkv_bias",
                  "key_padding_mask"),
              List.of(o + "context_padded"),
              Attribute.of("num_heads", (long) c.numHeads())); // [B, T, H]
      String flat =
          g.node(
              "",
              "Reshape",
              List.of(context, "rows_by_hidden"),
              List.of(o + "context_rows")); // [P, H]
      String packed =
          g.node("", "Gather", List.of(flat, "unpad_index"), List.of(o + "context")); // [M, H]
      String attended =
          linear(
              LoraTarget.ATTENTION_OUTPUT,
              packed,
              p + "attention.output.dense.bias",
              o + "attended"); // [M, H]
      String hidden =
          g.node(
              MS,
              "SkipLayerNormalization",
              List.of(
                  attended,
                  x,
                  p + "attention.output.LayerNorm.weight",
                  p + "attention.output.LayerNorm.bias"),
              List.of(o + "attention_out"),
              Attribute.of("epsilon", eps)); // [M, H]
      String inner =
          linear(LoraTarget.FFN_IN, hidden, null, o + "inner"); // [M, F], bias in the GELU
      String activated =
          g.node(
              MS, "BiasGelu", List.of(inner, p + "intermediate.dense.bias"), List.of(o + "gelu"));
      String out =
          linear(LoraTarget.FFN_OUT, activated, p + "output.dense.bias", o + "ffn_out"); // [M, H]
      return g.node(
          MS,
          "SkipLayerNormalization",
          List.of(out, hidden, p + "output.LayerNorm.weight", p + "output.LayerNorm.bias"),
          List.of(o + "out"),
          Attribute.of("epsilon", eps)); // [M, H]
    }

    /** x W^T (+ bias) (+ (x A^T) (s B)^T when the target is adapted): [M, out]. */
    private String linear(LoraTarget target, String x, String bias, String name) {
      String weight = target.moduleName(index) + ".weight";
      FloatTensor wt = w.get(weight);
      g.initializer(weight, wt);
      List<String> inputs = bias == null ? List.of(x, weight) : List.of(x, weight, bias);
      if (!adapted.contains(target)) {
        return g.node("", "Gemm", inputs, List.of(name), Attribute.of("transB", 1L));
      }
      String a = loraA(index, target);
      String b = loraB(index, target);
      g.input(a, FLOAT, "R", (long) wt.dim(1));
      g.input(b, FLOAT, (long) wt.dim(0), "R");
      String base = g.node("", "Gemm", inputs, List.of(name + "_base"), Attribute.of("transB", 1L));
      String down =
          g.node(
              "",
              "Gemm",
              List.of(x, a),
              List.of(name + "_lora_down"),
              Attribute.of("transB", 1L)); // [M, R]
      // (x A^T) (s B)^T + base in one Gemm, the base output as its C
      return g.node("", "Gemm", List.of(down, b, base), List.of(name), Attribute.of("transB", 1L));
    }
  }
}
