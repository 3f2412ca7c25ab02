package io.lorastream.model.encoder;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.pytorch.engine.PtSymbolBlock;
import io.lorastream.model.BaseModelId;
import io.lorastream.model.lora.LoraAdapter;
import io.lorastream.model.lora.LoraKey;
import io.lorastream.model.lora.LoraMath;
import io.lorastream.model.lora.LoraTarget;
import io.lorastream.model.runtime.Precision;
import io.lorastream.model.tensor.FloatTensor;
import io.lorastream.model.tensor.OwnedArrays;
import io.lorastream.model.tokenize.PackedTokens;
import io.lorastream.model.tokenize.TokenBatch;
import io.lorastream.model.weights.BaseModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A BERT-family sentence encoder on DJL/PyTorch: word + position + token-type embeddings with
 * LayerNorm, N post-LN transformer layers (multi-head attention with the padding mask, GELU FFN),
 * mean pooling over real tokens and L2 normalisation, as sentence-transformers' all-MiniLM-L6-v2.
 *
 * <p>The base weights are frozen: they never require gradients. An optional {@link LoraAdapter}
 * adds its low-rank update to the targeted linears during {@link #embed}; {@link
 * #withMergedAdapter} instead folds an adapter into a copy of the targeted weights for serving at
 * base-model speed.
 *
 * <p>Dimension letters: B = texts, M = their tokens packed without padding, H = hidden size, F =
 * FFN inner size.
 *
 * <p>Callers scope native memory: run {@link #embed} inside an {@code NDScope} (or a sub-manager
 * that is closed) and copy out what they keep.
 */
public final class BertEncoder implements AutoCloseable {

  private final BaseModelId baseId;
  private final EncoderConfig config;
  private final Precision precision;
  private final NDManager manager;
  private final NDArray wordEmbeddings; // [V, H]
  private final NDArray positionEmbeddings; // [P, H]
  private final NDArray typeEmbeddings; // [2, H]
  private final NDArray embeddingNormGamma;
  private final NDArray embeddingNormBeta;
  private final List<LayerWeights> layers;
  private final PtSymbolBlock
      attention; // FusedAttention's module, owned by the base encoder's manager

  private BertEncoder(
      BaseModelId baseId,
      EncoderConfig config,
      Precision precision,
      NDManager manager,
      NDArray wordEmbeddings,
      NDArray positionEmbeddings,
      NDArray typeEmbeddings,
      NDArray embeddingNormGamma,
      NDArray embeddingNormBeta,
      List<LayerWeights> layers,
      PtSymbolBlock attention) {
    this.baseId = baseId;
    this.config = config;
    this.precision = precision;
    this.manager = manager;
    this.wordEmbeddings = wordEmbeddings;
    this.positionEmbeddings = positionEmbeddings;
    this.typeEmbeddings = typeEmbeddings;
    this.embeddingNormGamma = embeddingNormGamma;
    this.embeddingNormBeta = embeddingNormBeta;
    this.layers = List.copyOf(layers);
    this.attention = attention;
  }

  /** Puts a base model's weights on {@code device} in {@code precision}. */
  public static BertEncoder load(BaseModel base, Device device, Precision precision) {
    NDManager manager = NDManager.newBaseManager(device, "PyTorch");
    try {
      Map<String, FloatTensor> w = base.weights();
      DataType dtype = precision.dataType();
      java.util.function.Function<String, NDArray> put =
          name -> {
            FloatTensor t = w.get(name);
            NDArray a = OwnedArrays.of(manager, t.data(), new Shape(t.longShape()));
            if (dtype != DataType.FLOAT32) {
              NDArray cast = a.toType(dtype, false);
              a.close();
              a = cast;
            }
            a.setName(name);
            return a;
          };
      List<LayerWeights> layers = new ArrayList<>();
      for (int i = 0; i < base.config().numLayers(); i++) {
        String p = "encoder.layer." + i + ".";
        layers.add(
            new LayerWeights(
                    null,
                    null,
                    put.apply(p + "attention.self.query.weight"),
                    put.apply(p + "attention.self.query.bias"),
                    put.apply(p + "attention.self.key.weight"),
                    put.apply(p + "attention.self.key.bias"),
                    put.apply(p + "attention.self.value.weight"),
                    put.apply(p + "attention.self.value.bias"),
                    put.apply(p + "attention.output.dense.weight"),
                    put.apply(p + "attention.output.dense.bias"),
                    put.apply(p + "attention.output.LayerNorm.weight"),
                    put.apply(p + "attention.output.LayerNorm.bias"),
                    put.apply(p + "intermediate.dense.weight"),
                    put.apply(p + "intermediate.dense.bias"),
                    put.apply(p + "output.dense.weight"),
                    put.apply(p + "output.dense.bias"),
                    put.apply(p + "output.LayerNorm.weight"),
                    put.apply(p + "output.LayerNorm.bias"))
                .fuseQkv(queryScale(base.config()), manager));
      }
      return new BertEncoder(
          base.id(),
          base.config(),
          precision,
          manager,
          put.apply("embeddings.word_embeddings.weight"),
          put.apply("embeddings.position_embeddings.weight"),
          put.apply("embeddings.token_type_embeddings.weight"),
          put.apply("embeddings.LayerNorm.weight"),
          put.apply("embeddings.LayerNorm.bias"),
          layers,
          FusedAttention.load(manager));
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  public BaseModelId baseId() {
    return baseId;
  }

  public EncoderConfig config() {
    return config;
  }

  public Precision precision() {
    return precision;
  }

  public Device device() {
    return manager.getDevice();
  }

  /**
   * The manager holding this encoder's weights; create per-call inputs in a sub-manager or scope.
   */
  public NDManager manager() {
    return manager;
  }

  /**
   * The current [out, in] weight of an adaptable linear (merged if this encoder carries an
   * adapter).
   */
  public NDArray weight(LoraKey key) {
    return layers.get(key.layer()).weight(key.target());
  }

  /**
   * Sentence embeddings.
   *
   * @param batch tokenized texts; packed here (no padding) on this encoder's device
   * @param lora an adapter applied on the fly, or null
   * @param training enables LoRA dropout
   * @return [B, H] float32 unit vectors
   */
  public NDArray embed(TokenBatch batch, LoraAdapter lora, boolean training) {
    PackedTokens tokens = batch.pack(manager);
    return EncoderMath.meanPoolNormalize(hiddenStates(tokens, lora, training), tokens.pooling());
  }

  /** Last hidden states of packed texts, [M, H], in the encoder's precision. */
  public NDArray hiddenStates(PackedTokens tokens, LoraAdapter lora, boolean training) {
    for (int len : tokens.lengths()) {
      if (len > config.maxPositions()) {
        throw new IllegalArgumentException(
            "a text has "
                + len
                + " tokens but the model has only "
                + config.maxPositions()
                + " positions");
      }
    }
    float eps = (float) config.layerNormEps();
    NDArray words =
        Embedding.embedding(tokens.ids(), wordEmbeddings, SparseFormat.DENSE)
            .singletonOrThrow(); // [M, H]
    NDArray types =
        Embedding.embedding(tokens.typeIds(), typeEmbeddings, SparseFormat.DENSE)
            .singletonOrThrow(); // [M, H]
    NDArray positions =
        Embedding.embedding(tokens.positions(), positionEmbeddings, SparseFormat.DENSE)
            .singletonOrThrow(); // [M, H]
    // Packed token vectors are 2-D, so torch's linear is one addmm with the bias fused in.
    NDArray x =
        EncoderMath.layerNorm(
            words.add(types).add(positions), embeddingNormGamma, embeddingNormBeta, eps);
    for (int i = 0; i < layers.size(); i++) {
      x = layer(i, layers.get(i), x, tokens.lengths(), lora, training, eps);
    }
    return x;
  }

  /** One post-LN layer on packed token vectors x [M, H]. */
  private NDArray layer(
      int index,
      LayerWeights w,
      NDArray x,
      int[] lengths,
      LoraAdapter lora,
      boolean training,
      float eps) {
    int hidden = config.hiddenSize();
    NDArray qkv =
        EncoderMath.linear(x, w.qkvWeight(), w.qkvBias()); // [M, 3H], queries scaled by 1/sqrt(S)
    float scale = queryScale(config);
    NDArray q =
        withLora(
            index,
            LoraTarget.QUERY,
            x,
            qkv.get(new NDIndex(":, 0:{}", hidden)),
            scale,
            lora,
            training);
    NDArray k =
        withLora(
            index,
            LoraTarget.KEY,
            x,
            qkv.get(new NDIndex(":, {}:{}", hidden, 2 * hidden)),
            1f,
            lora,
            training);
    NDArray v =
        withLora(
            index,
            LoraTarget.VALUE,
            x,
            qkv.get(new NDIndex(":, {}:", 2 * hidden)),
            1f,
            lora,
            training);
    // Serving takes the fused kernel; a training step the unfused ops, whose backward took 1.9-2.0
    // s
    // per bench step against 2.4-2.9 s through the fused kernel's.
    NDArray context =
        training
            ? EncoderMath.packedAttention(q, k, v, lengths, config.numHeads())
            : FusedAttention.apply(attention, q, k, v, lengths, config.numHeads()); // [M, H]
    NDArray attended =
        adapted(
            index,
            LoraTarget.ATTENTION_OUTPUT,
            context,
            w.attentionOutputWeight(),
            w.attentionOutputBias(),
            lora,
            training);
    NDArray h =
        EncoderMath.layerNorm(
            attended.add(x), w.attentionNormGamma(), w.attentionNormBeta(), eps); // [M, H]
    NDArray inner =
        EncoderMath.gelu(
            adapted(
                index,
                LoraTarget.FFN_IN,
                h,
                w.ffnInWeight(),
                w.ffnInBias(),
                lora,
                training)); // [M, F]
    NDArray out =
        adapted(
            index,
            LoraTarget.FFN_OUT,
            inner,
            w.ffnOutWeight(),
            w.ffnOutBias(),
            lora,
            training); // [M, H]
    return EncoderMath.layerNorm(out.add(h), w.outputNormGamma(), w.outputNormBeta(), eps);
  }

  private NDArray adapted(
      int layer,
      LoraTarget target,
      NDArray x,
      NDArray w,
      NDArray b,
      LoraAdapter lora,
      boolean training) {
    return withLora(layer, target, x, EncoderMath.linear(x, w, b), 1f, lora, training);
  }

  /**
   * y plus the adapter's update of linear {@code target} on input x, times {@code outputScale} (the
   * fused query projection is pre-scaled, so its update must be too).
   */
  private NDArray withLora(
      int layer,
      LoraTarget target,
      NDArray x,
      NDArray y,
      float outputScale,
      LoraAdapter lora,
      boolean training) {
    if (lora == null) {
      return y;
    }
    LoraKey key = new LoraKey(layer, target);
    if (!lora.adapts(key)) {
      return y;
    }
    // Casts cut the autograd graph in this DJL version, so training keeps the factors in the
    // activations' dtype (mixed precision uses FP16 working copies); only inference casts here.
    DataType factorType = lora.a(key).getDataType();
    NDArray in = x.getDataType() == factorType ? x : x.toType(factorType, false);
    NDArray delta =
        LoraMath.delta(
            in,
            lora.a(key),
            lora.b(key),
            lora.scaling() * outputScale,
            (float) lora.config().dropout(),
            training);
    return y.add(
        delta.getDataType() == y.getDataType() ? delta : delta.toType(y.getDataType(), false));
  }

  /**
   * 1/sqrt(head size): folded into the query projection so attention scores need no extra multiply.
   */
  private static float queryScale(EncoderConfig c) {
    return (float) (1.0 / Math.sqrt(c.headSize()));
  }

  /**
   * A serving copy with {@code adapter} folded into the targeted weights (W + s B A). Untargeted
   * weights are shared with this encoder, so a merged copy costs only the targeted matrices. Close
   * the copy to free them; closing this encoder frees everything.
   */
  public BertEncoder withMergedAdapter(LoraAdapter adapter) {
    return rebuilt(adapter, true);
  }

  /** The inverse of {@link #withMergedAdapter}: W' - s B A for every adapted linear. */
  public BertEncoder withUnmergedAdapter(LoraAdapter adapter) {
    return rebuilt(adapter, false);
  }

  private BertEncoder rebuilt(LoraAdapter adapter, boolean merge) {
    NDManager sub = manager.newSubManager();
    try {
      List<LayerWeights> merged = new ArrayList<>(layers);
      float s = adapter.scaling();
      for (LoraKey key : adapter.aByKey().keySet()) {
        if (key.layer() >= layers.size()) {
          throw new IllegalArgumentException(
              "adapter targets layer "
                  + key.layer()
                  + " but the encoder has "
                  + layers.size()
                  + " layers");
        }
        NDArray w = merged.get(key.layer()).weight(key.target());
        NDArray nw;
        try (NDScope scope = new NDScope()) {
          NDArray a = adapter.a(key).stopGradient();
          NDArray b = adapter.b(key).stopGradient();
          nw = merge ? LoraMath.merge(w, a, b, s) : LoraMath.unmerge(w, a, b, s);
          NDScope.unregister(nw);
        }
        nw.attach(sub);
        merged.set(key.layer(), merged.get(key.layer()).withWeight(key.target(), nw));
      }
      java.util.SortedSet<Integer> projectionsChanged = new java.util.TreeSet<>();
      for (LoraKey key : adapter.aByKey().keySet()) {
        LoraTarget target = key.target();
        if (target == LoraTarget.QUERY || target == LoraTarget.KEY || target == LoraTarget.VALUE) {
          projectionsChanged.add(key.layer());
        }
      }
      for (int layer : projectionsChanged) {
        merged.set(layer, merged.get(layer).fuseQkv(queryScale(config), sub));
      }
      return new BertEncoder(
          baseId,
          config,
          precision,
          sub,
          wordEmbeddings,
          positionEmbeddings,
          typeEmbeddings,
          embeddingNormGamma,
          embeddingNormBeta,
          merged,
          attention);
    } catch (RuntimeException e) {
      sub.close();
      throw e;
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
