package io.lorastream.model.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.lorastream.model.BaseModelId;
import io.lorastream.model.adapter.AdapterShapes;
import io.lorastream.model.encoder.EncoderConfig;
import io.lorastream.model.lora.AdapterWeights;
import io.lorastream.model.lora.LoraKey;
import io.lorastream.model.lora.LoraPairWeights;
import io.lorastream.model.lora.LoraTarget;
import io.lorastream.model.tensor.FloatTensor;
import io.lorastream.model.tokenize.TokenBatch;
import io.lorastream.model.weights.BaseModel;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * One ONNX Runtime session running {@link BertServingGraph} for a base model, with LoRA factors of
 * some linears ({@code adapted}) taken from each run: it serves every adapter version that adapts
 * those linears, each run with the version's {@link AdapterFeeds} (and the base alone when nothing
 * is adapted). Runs may be concurrent (ONNX Runtime sessions are thread-safe); they share the
 * session's intra-op threads.
 */
public final class OrtServingSession implements AutoCloseable {

  private final OrtEnvironment env;
  private final OrtSession.SessionOptions options;
  private final OrtSession session;
  private final BaseModelId baseId;
  private final EncoderConfig config;
  private final Set<LoraTarget> adapted;

  private OrtServingSession(
      OrtEnvironment env,
      OrtSession.SessionOptions options,
      OrtSession session,
      BaseModel base,
      Set<LoraTarget> adapted) {
    this.env = env;
    this.options = options;
    this.session = session;
    this.baseId = base.id();
    this.config = base.config();
    this.adapted = Set.copyOf(adapted);
  }

  /**
   * Builds the graph for {@code base} and opens a session on it.
   *
   * @param adapted the linears that take LoRA factors from each run (an adapter configuration's
   *     targets; none for the base alone)
   * @param intraOpThreads threads one run uses (the cores to use)
   */
  public static OrtServingSession open(
      BaseModel base, Set<LoraTarget> adapted, int intraOpThreads) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    OrtSession session = null;
    try {
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setIntraOpNumThreads(intraOpThreads);
      options.setInterOpNumThreads(1);
      session =
          env.createSession(
              BertServingGraph.build(base.config(), base.weights(), adapted), options);
      return new OrtServingSession(env, options, session, base, adapted);
    } catch (OrtException | RuntimeException e) {
      try {
        if (session != null) {
          session.close();
        }
      } catch (OrtException ignored) {
        // already failing
      }
      options.close();
      throw new IllegalStateException(
          "cannot open an ONNX Runtime session for " + base.id().name() + ": " + e.getMessage(), e);
    }
  }

  public BaseModelId baseId() {
    return baseId;
  }

  public EncoderConfig config() {
    return config;
  }

  /** The linears that take LoRA factors from each run. */
  public Set<LoraTarget> adapted() {
    return adapted;
  }

  /** What a run of the base model feeds: nothing. */
  public AdapterFeeds none() {
    return AdapterFeeds.NONE;
  }

  /**
   * An adapter version's factors for this session: A and s B of every adapted linear; a linear the
   * adapter leaves alone in some layer gets zero factors. The caller closes the result.
   *
   * @throws IllegalArgumentException when the adapter adapts a linear this session does not
   */
  public AdapterFeeds feeds(AdapterWeights adapter) {
    if (!adapted.containsAll(adapter.config().targets())) {
      throw new IllegalArgumentException(
          "the adapter targets "
              + adapter.config().targets()
              + " but this session adapts "
              + adapted);
    }
    int r = adapter.config().rank();
    float s = (float) adapter.config().scaling();
    Map<String, FloatTensor> factors = new HashMap<>();
    for (int layer = 0; layer < config.numLayers(); layer++) {
      for (LoraTarget t : adapted) {
        LoraPairWeights pair = adapter.pairs().get(new LoraKey(layer, t));
        int in = AdapterShapes.inFeatures(t, config);
        int out = AdapterShapes.outFeatures(t, config);
        FloatTensor a = pair == null ? FloatTensor.zeros(r, in) : pair.a();
        FloatTensor b = pair == null ? FloatTensor.zeros(out, r) : scaled(pair.b(), s);
        if (a.dim(0) != r || a.dim(1) != in || b.dim(0) != out || b.dim(1) != r) {
          throw new IllegalArgumentException(
              "LoRA factors of "
                  + t.moduleName(layer)
                  + " are A"
                  + a
                  + " and B"
                  + b
                  + "; expected A ["
                  + r
                  + ", "
                  + in
                  + "] and B ["
                  + out
                  + ", "
                  + r
                  + "]");
        }
        factors.put(BertServingGraph.loraA(layer, t), a);
        factors.put(BertServingGraph.loraB(layer, t), b);
      }
    }
    for (LoraKey key : adapter.pairs().keySet()) {
      if (key.layer() >= config.numLayers()) {
        throw new IllegalArgumentException(
            "adapter targets layer "
                + key.layer()
                + " but the encoder has "
                + config.numLayers()
                + " layers");
      }
    }
    try {
      return AdapterFeeds.of(env, factors);
    } catch (OrtException e) {
      throw new IllegalStateException(
          "cannot hand LoRA factors to ONNX Runtime: " + e.getMessage(), e);
    }
  }

  private static FloatTensor scaled(FloatTensor t, float s) {
    float[] d = t.data().clone();
    for (int i = 0; i < d.length; i++) {
      d[i] *= s;
    }
    return new FloatTensor(t.shape(), d);
  }

  /**
   * Embeds a padded batch with the given version's weights.
   *
   * @return [B][H] unit vectors, in the batch's order
   */
  public float[][] embed(TokenBatch batch, AdapterFeeds adapter) {
    int b = batch.size();
    int h = config.hiddenSize();
    if (b == 0) {
      return new float[0][];
    }
    for (int len : batch.lengths()) {
      if (len > config.maxPositions()) {
        throw new IllegalArgumentException(
            "a text has "
                + len
                + " tokens but the model has only "
                + config.maxPositions()
                + " positions");
      }
    }
    PackedInputs in = PackedInputs.of(batch);
    long m = in.tokens();
    long p = (long) b * in.paddedLength();
    Map<String, OnnxTensor> feeds = new HashMap<>(adapter.tensors());
    OnnxTensor[] created = new OnnxTensor[7];
    try {
      created[0] = OnnxTensor.createTensor(env, LongBuffer.wrap(in.ids()), new long[] {m});
      created[1] = OnnxTensor.createTensor(env, LongBuffer.wrap(in.typeIds()), new long[] {m});
      created[2] = OnnxTensor.createTensor(env, LongBuffer.wrap(in.positions()), new long[] {m});
      created[3] = OnnxTensor.createTensor(env, LongBuffer.wrap(in.padIndex()), new long[] {p});
      created[4] = OnnxTensor.createTensor(env, LongBuffer.wrap(in.unpadIndex()), new long[] {m});
      created[5] =
          OnnxTensor.createTensor(
              env, IntBuffer.wrap(in.mask()), new long[] {b, in.paddedLength()});
      created[6] = OnnxTensor.createTensor(env, FloatBuffer.wrap(in.pooling()), new long[] {b, m});
      feeds.put("input_ids", created[0]);
      feeds.put("token_type_ids", created[1]);
      feeds.put("position_ids", created[2]);
      feeds.put("pad_index", created[3]);
      feeds.put("unpad_index", created[4]);
      feeds.put("key_padding_mask", created[5]);
      feeds.put("pooling", created[6]);
      try (OrtSession.Result result = session.run(feeds)) {
        FloatBuffer flat = ((OnnxTensor) result.get(0)).getFloatBuffer(); // [B, H]
        float[][] out = new float[b][h];
        for (int i = 0; i < b; i++) {
          flat.get(out[i]);
        }
        return out;
      }
    } catch (OrtException e) {
      throw new IllegalStateException(
          "ONNX Runtime failed on a batch of " + b + " texts (" + m + " tokens): " + e.getMessage(),
          e);
    } finally {
      for (OnnxTensor t : created) {
        if (t != null) {
          t.close();
        }
      }
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      // at shutdown: nothing to do about it
    }
    options.close();
  }
}
