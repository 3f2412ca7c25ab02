package io.lorastream.model.weights;

import io.lorastream.model.encoder.EncoderConfig;
import io.lorastream.model.tensor.FloatTensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Hugging Face names and shapes of a BERT encoder's weights ({@code BertModel} without pooler),
 * and the check that a set of tensors is exactly such an encoder.
 */
public final class BertWeightNames {

  private BertWeightNames() {}

  /** Every required tensor name with its expected shape, in a stable order. */
  public static Map<String, int[]> expectedShapes(EncoderConfig c) {
    int h = c.hiddenSize();
    int f = c.intermediateSize();
    Map<String, int[]> shapes = new LinkedHashMap<>();
    shapes.put("embeddings.word_embeddings.weight", new int[] {c.vocabSize(), h});
    shapes.put("embeddings.position_embeddings.weight", new int[] {c.maxPositions(), h});
    shapes.put("embeddings.token_type_embeddings.weight", new int[] {c.typeVocabSize(), h});
    shapes.put("embeddings.LayerNorm.weight", new int[] {h});
    shapes.put("embeddings.LayerNorm.bias", new int[] {h});
    for (int i = 0; i < c.numLayers(); i++) {
      String p = "encoder.layer." + i + ".";
      for (String lin :
          new String[] {
            "attention.self.query",
            "attention.self.key",
            "attention.self.value",
            "attention.output.dense"
          }) {
        shapes.put(p + lin + ".weight", new int[] {h, h});
        shapes.put(p + lin + ".bias", new int[] {h});
      }
      shapes.put(p + "attention.output.LayerNorm.weight", new int[] {h});
      shapes.put(p + "attention.output.LayerNorm.bias", new int[] {h});
      shapes.put(p + "intermediate.dense.weight", new int[] {f, h});
      shapes.put(p + "intermediate.dense.bias", new int[] {f});
      shapes.put(p + "output.dense.weight", new int[] {h, f});
      shapes.put(p + "output.dense.bias", new int[] {h});
      shapes.put(p + "output.LayerNorm.weight", new int[] {h});
      shapes.put(p + "output.LayerNorm.bias", new int[] {h});
    }
    return shapes;
  }

  /**
   * Picks the encoder's tensors out of {@code tensors}, accepting the prefixes Hugging Face
   * checkpoints use ({@code bert.}, {@code model.}), and checks every shape.
   *
   * @param source a file or resource name for error messages
   * @throws IllegalArgumentException naming the source, the tensor and what was expected
   */
  public static Map<String, FloatTensor> select(
      Map<String, FloatTensor> tensors, EncoderConfig config, String source) {
    Map<String, FloatTensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, int[]> e : expectedShapes(config).entrySet()) {
      String name = e.getKey();
      FloatTensor t = tensors.get(name);
      for (String prefix : new String[] {"bert.", "model.", "0.auto_model."}) {
        if (t == null) {
          t = tensors.get(prefix + name);
        }
      }
      if (t == null) {
        throw new IllegalArgumentException(
            source
                + " has no tensor '"
                + name
                + "' (expected shape "
                + Arrays.toString(e.getValue())
                + "): is this a BERT-family encoder matching its config.json?");
      }
      if (!Arrays.equals(t.shape(), e.getValue())) {
        throw new IllegalArgumentException(
            source
                + ": tensor '"
                + name
                + "' has shape "
                + Arrays.toString(t.shape())
                + " but config.json implies "
                + Arrays.toString(e.getValue()));
      }
      out.put(name, t);
    }
    return out;
  }
}
