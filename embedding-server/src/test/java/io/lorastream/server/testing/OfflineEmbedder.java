package io.lorastream.server.testing;

import ai.djl.Device;
import ai.djl.ndarray.NDScope;
import io.lorastream.model.encoder.BertEncoder;
import io.lorastream.model.lora.AdapterWeights;
import io.lorastream.model.lora.LoraAdapter;
import io.lorastream.model.runtime.Precision;
import io.lorastream.model.tokenize.TextTokenizer;
import io.lorastream.model.tokenize.TokenBatch;
import io.lorastream.model.weights.BaseModel;
import java.io.IOException;
import java.util.List;

/**
 * The reference for served vectors: the model classes used directly, with the adapter applied on
 * the fly (W x + s B A x in every adapted linear) rather than merged into the weights as the server
 * does, so a wrong merge, a wrong version or a mixed batch shows as a difference.
 */
public final class OfflineEmbedder implements AutoCloseable {

  private final BertEncoder encoder;
  private final TextTokenizer tokenizer;

  public OfflineEmbedder(BaseModel base, int maxLength) throws IOException {
    this.encoder = BertEncoder.load(base, Device.cpu(), Precision.FP32);
    this.tokenizer = TextTokenizer.load(base.tokenizerJson(), maxLength);
  }

  /** One text's unit vector, with {@code weights} applied on the fly, or the base's when null. */
  public float[] embed(String text, AdapterWeights weights) {
    LoraAdapter lora =
        weights == null ? null : LoraAdapter.fromWeights(weights, encoder.manager(), false);
    try (NDScope scope = new NDScope()) {
      return encoder
          .embed(TokenBatch.pad(tokenizer.tokenize(List.of(text))), lora, false)
          .toFloatArray();
    } finally {
      if (lora != null) {
        lora.close();
      }
    }
  }

  public static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  @Override
  public void close() {
    tokenizer.close();
    encoder.close();
  }
}
