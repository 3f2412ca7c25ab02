package io.lorastream.model.weights;

import io.lorastream.model.encoder.EncoderConfig;
import io.lorastream.model.tensor.FloatTensor;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Recovers Hugging Face weight names from a BERT exported to ONNX by {@code torch.onnx.export}.
 *
 * <p>The exporter keeps biases, embeddings and LayerNorm parameters under their module names but
 * stores every linear weight as an anonymous, transposed MatMul input ({@code onnx::MatMul_787},
 * shape [in, out]). Each such MatMul feeds an Add whose other input is the linear's named bias, so
 * following MatMul -> Add names the weight: bias {@code X.bias} means weight {@code X.weight},
 * transposed back to [out, in].
 */
public final class OnnxBertImporter {

  private OnnxBertImporter() {}

  /**
   * Returns the encoder's weights under Hugging Face names.
   *
   * @param graph the parsed ONNX model
   * @param config the architecture the weights must match
   * @param source a name for error messages
   */
  public static Map<String, FloatTensor> importWeights(
      OnnxGraph graph, EncoderConfig config, String source) {
    Map<String, FloatTensor> init = graph.initializers();
    Map<String, List<OnnxGraph.Node>> consumers = new HashMap<>();
    for (OnnxGraph.Node n : graph.nodes()) {
      for (String in : n.inputs()) {
        consumers.computeIfAbsent(in, k -> new java.util.ArrayList<>()).add(n);
      }
    }
    Map<String, FloatTensor> named = new LinkedHashMap<>();
    init.forEach(
        (name, t) -> {
          if (!name.startsWith("onnx::")) {
            named.put(name, t);
          }
        });
    for (OnnxGraph.Node matMul : graph.nodes()) {
      if (!matMul.opType().equals("MatMul") || matMul.inputs().size() != 2) {
        continue;
      }
      String weightName = matMul.inputs().get(1);
      FloatTensor weight = init.get(weightName);
      if (weight == null || weight.rank() != 2) {
        continue; // activation x activation (attention scores), not a linear
      }
      String bias = biasOf(matMul, consumers, init);
      if (bias == null) {
        throw new IllegalArgumentException(
            source
                + ": MatMul '"
                + matMul.name()
                + "' uses weight '"
                + weightName
                + "' but no Add with a named bias consumes it; this is not a BERT export lorastream can read");
      }
      named.put(bias.substring(0, bias.length() - ".bias".length()) + ".weight", transpose(weight));
    }
    return BertWeightNames.select(named, config, source);
  }

  private static String biasOf(
      OnnxGraph.Node matMul,
      Map<String, List<OnnxGraph.Node>> consumers,
      Map<String, FloatTensor> init) {
    for (OnnxGraph.Node add : consumers.getOrDefault(matMul.outputs().get(0), List.of())) {
      if (!add.opType().equals("Add")) {
        continue;
      }
      for (String in : add.inputs()) {
        if (in.endsWith(".bias") && init.containsKey(in)) {
          return in;
        }
      }
    }
    return null;
  }

  /** [rows, cols] -> [cols, rows]. */
  static FloatTensor transpose(FloatTensor t) {
    int rows = t.dim(0);
    int cols = t.dim(1);
    float[] src = t.data();
    float[] dst = new float[src.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        dst[c * rows + r] = src[r * cols + c];
      }
    }
    return new FloatTensor(new int[] {cols, rows}, dst);
  }
}
