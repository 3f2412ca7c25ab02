package io.lorastream.model.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.lorastream.model.adapter.AdaptationMode;
import io.lorastream.model.encoder.BertEncoder;
import io.lorastream.model.lora.AdapterWeights;
import io.lorastream.model.lora.LoraAdapter;
import io.lorastream.model.lora.LoraConfig;
import io.lorastream.model.lora.LoraKey;
import io.lorastream.model.loss.EmbeddingLoss;
import io.lorastream.model.loss.Losses;
import io.lorastream.model.loss.PairEmbeddings;
import io.lorastream.model.optim.AdamW;
import io.lorastream.model.optim.NamedParameter;
import io.lorastream.model.optim.ParameterGroup;
import io.lorastream.model.runtime.MallocTrim;
import io.lorastream.model.runtime.Precision;
import io.lorastream.model.tensor.OwnedArrays;
import io.lorastream.model.tokenize.TextTokenizer;
import io.lorastream.model.tokenize.TokenBatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains one LoRA adapter of a frozen base encoder, step by step: forward the towers, loss,
 * backward, AdamW on the LoRA factors only. The training-step API the trainer calls.
 *
 * <p>Each micro-batch runs inside an {@link NDScope} so the autograd graph's intermediates are
 * freed before the next one; optimizer state lives in its own manager. Deterministic on CPU for a
 * given seed and sequence of batches, including across {@link #exportState()} / {@link #resume}.
 *
 * <p>In {@link AdaptationMode#QUERY} mode documents are embedded by the base model without
 * gradients (and cached), so a step costs a forward of the documents (or nothing, on a cache hit)
 * plus forward and backward of the short queries. Not thread-safe; PyTorch allows one gradient
 * collector per process, so sessions of several adapters must take turns.
 */
public final class LoraTrainingSession implements AutoCloseable {

  private static final double INITIAL_LOSS_SCALE = 1024;
  private static final int LOSS_SCALE_GROWTH_INTERVAL = 200;
  private static final int DEFAULT_DOCUMENT_CACHE = 20_000;

  private final BertEncoder encoder;
  private final TextTokenizer tokenizer;
  private final TrainingSettings settings;
  private final LoraAdapter master;
  private final List<NamedParameter> parameters;
  private final AdamW optimizer;
  private final EmbeddingLoss loss;
  private final DocumentEmbeddingCache documentCache;
  private double lossScale = INITIAL_LOSS_SCALE;
  private int goodStepsSinceScaleChange;

  private LoraTrainingSession(
      BertEncoder encoder,
      TextTokenizer tokenizer,
      TrainingSettings settings,
      LoraAdapter master,
      DocumentEmbeddingCache documents) {
    if (settings.mixedPrecision() && encoder.precision() != Precision.FP16) {
      throw new IllegalArgumentException(
          "mixed precision trains against an FP16 base: load the encoder with precision fp16, or turn mixed precision off");
    }
    if (!settings.mixedPrecision() && encoder.precision() != Precision.FP32) {
      throw new IllegalArgumentException(
          "an FP16 encoder trains only with mixed precision (float32 master weights); turn mixed_precision on");
    }
    this.encoder = encoder;
    this.tokenizer = tokenizer;
    this.settings = settings;
    this.master = master;
    this.parameters = namedParameters(master);
    this.optimizer =
        new AdamW(
            settings.optimizer(),
            ParameterGroup.loraPlus(parameters, settings.optimizer(), settings.loraPlusRatio()));
    this.loss = Losses.create(settings.loss(), encoder.config().hiddenSize());
    this.documentCache = java.util.Objects.requireNonNull(documents, "document embedding cache");
  }

  /** A new adapter (B = 0, A seeded by {@code settings.seed()}) on {@code encoder}. */
  public static LoraTrainingSession start(
      BertEncoder encoder, TextTokenizer tokenizer, LoraConfig lora, TrainingSettings settings) {
    return start(
        encoder, tokenizer, lora, settings, new DocumentEmbeddingCache(DEFAULT_DOCUMENT_CACHE));
  }

  /**
   * {@link #start(BertEncoder, TextTokenizer, LoraConfig, TrainingSettings)} with a document cache
   * shared with others (other sessions on the same encoder and tokenizer, an evaluation pool).
   */
  public static LoraTrainingSession start(
      BertEncoder encoder,
      TextTokenizer tokenizer,
      LoraConfig lora,
      TrainingSettings settings,
      DocumentEmbeddingCache documents) {
    LoraAdapter adapter =
        LoraAdapter.initialize(lora, encoder.config(), settings.seed(), encoder.manager(), true);
    return new LoraTrainingSession(encoder, tokenizer, settings, adapter, documents);
  }

  /**
   * Continues training {@code weights} (e.g. a published adapter version) with a fresh optimizer:
   * AdamW moments at zero and step 0, so its bias correction and the learning-rate warmup start
   * over as they must for new moments.
   */
  public static LoraTrainingSession startFrom(
      BertEncoder encoder,
      TextTokenizer tokenizer,
      AdapterWeights weights,
      TrainingSettings settings,
      DocumentEmbeddingCache documents) {
    LoraAdapter adapter = LoraAdapter.fromWeights(weights, encoder.manager(), true);
    return new LoraTrainingSession(encoder, tokenizer, settings, adapter, documents);
  }

  /**
   * Continues from a state {@link #exportState()} returned: the next step equals the one it would
   * have taken.
   */
  public static LoraTrainingSession resume(
      BertEncoder encoder,
      TextTokenizer tokenizer,
      TrainingSettings settings,
      TrainingState state) {
    return resume(
        encoder, tokenizer, settings, state, new DocumentEmbeddingCache(DEFAULT_DOCUMENT_CACHE));
  }

  /**
   * {@link #resume(BertEncoder, TextTokenizer, TrainingSettings, TrainingState)} with a shared
   * document cache.
   */
  public static LoraTrainingSession resume(
      BertEncoder encoder,
      TextTokenizer tokenizer,
      TrainingSettings settings,
      TrainingState state,
      DocumentEmbeddingCache documents) {
    if (state.seed() != settings.seed()) {
      settings = settings.withSeed(state.seed());
    }
    LoraAdapter adapter = LoraAdapter.fromWeights(state.adapter(), encoder.manager(), true);
    LoraTrainingSession session =
        new LoraTrainingSession(encoder, tokenizer, settings, adapter, documents);
    try {
      session.optimizer.importState(state.optimizer());
      session.lossScale = state.lossScale();
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
    return session;
  }

  public TrainingSettings settings() {
    return settings;
  }

  public BertEncoder encoder() {
    return encoder;
  }

  /** Optimizer steps taken. */
  public long stepCount() {
    return optimizer.stepCount();
  }

  /**
   * One optimizer step over {@code examples}, cut into micro-batches of the configured size whose
   * gradients accumulate (gradient accumulation = examples / micro-batch size).
   *
   * <p>A step whose loss or any gradient is not finite is skipped ({@link StepResult#skipped()}):
   * the weights, the AdamW moments and the step count stay exactly as they were, in every
   * precision. So is a step with an example whose weight is not finite once cast to float (the loss
   * takes float weights).
   */
  public StepResult step(List<TrainingExample> examples) {
    if (examples.isEmpty()) {
      throw new IllegalArgumentException("a training step needs at least one example");
    }
    long t = optimizer.stepCount() + 1;
    double totalWeight = examples.stream().mapToDouble(TrainingExample::weight).sum();
    if (!Double.isFinite(totalWeight)
        || examples.stream().anyMatch(e -> !Float.isFinite((float) e.weight()))) {
      return new StepResult(optimizer.stepCount(), Double.NaN, examples.size(), 0, 0, 0, true);
    }
    optimizer.zeroGradients();
    LoraAdapter forward =
        settings.mixedPrecision() ? master.workingCopy(DataType.FLOAT16, true) : master;
    StepTotals totals = new StepTotals();
    try {
      int micro = 0;
      for (int from = 0; from < examples.size(); from += settings.microBatchSize()) {
        List<TrainingExample> batch =
            examples.subList(from, Math.min(examples.size(), from + settings.microBatchSize()));
        double share = batch.stream().mapToDouble(TrainingExample::weight).sum() / totalWeight;
        Engine.getEngine("PyTorch").setRandomSeed(dropoutSeed(settings.seed(), t, micro++));
        microBatch(batch, forward, share, totals);
      }
      boolean skipped;
      if (!Double.isFinite(totals.loss)) {
        skipped = true; // e.g. a weight so large that weight x loss overflows float32
      } else if (settings.mixedPrecision()) {
        skipped = !applyMixedPrecisionStep(forward);
      } else if (optimizer.gradientsFinite()) {
        optimizer.step(settings.schedule());
        skipped = false;
      } else {
        skipped = true;
      }
      return new StepResult(
          optimizer.stepCount(),
          totals.loss,
          examples.size(),
          (double) totals.correct / examples.size(),
          totals.tokens,
          totals.flops,
          skipped);
    } finally {
      if (forward != master) {
        forward.close();
      }
      MallocTrim.ifGrown(); // the step's tensors are freed: glibc's gaps go back to the kernel
    }
  }

  private void microBatch(
      List<TrainingExample> batch, LoraAdapter lora, double share, StepTotals totals) {
    try (NDScope scope = new NDScope()) {
      List<String> anchors = new ArrayList<>(batch.size());
      List<String> documents = new ArrayList<>();
      List<Integer> owners = new ArrayList<>();
      float[] weights = new float[batch.size()];
      float[] labels = settings.loss().needsLabels() ? new float[batch.size()] : null;
      for (int i = 0; i < batch.size(); i++) {
        TrainingExample e = batch.get(i);
        anchors.add(e.anchor());
        documents.add(e.positive());
        weights[i] = (float) e.weight();
        if (labels != null) {
          if (e.label() == null) {
            throw new IllegalArgumentException(
                "loss "
                    + settings.loss().kind()
                    + " needs labelled pairs but a pair for '"
                    + e.anchor()
                    + "' has no label");
          }
          labels[i] = e.label().floatValue();
        }
      }
      for (int i = 0; i < batch.size(); i++) {
        for (String negative : batch.get(i).negatives()) {
          documents.add(negative);
          owners.add(i);
        }
      }
      int b = batch.size();
      double scale = settings.mixedPrecision() ? lossScale : 1;
      try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
        TokenBatch anchorTokens = tokenizer.encode(anchors);
        NDArray queries = encoder.embed(anchorTokens, lora, true); // [B, H]
        totals.addTower(anchorTokens, encoder, true);
        NDArray docs; // [B + M, H]
        if (settings.mode() == AdaptationMode.BOTH) {
          TokenBatch docTokens = tokenizer.encode(documents);
          docs = encoder.embed(docTokens, lora, true);
          totals.addTower(docTokens, encoder, true);
        } else {
          docs = baseDocumentEmbeddings(documents, totals);
        }
        NDArray positives = docs.get("0:{}", b); // [B, H]
        PairEmbeddings pairs = PairEmbeddings.of(queries, positives).withWeights(weights);
        if (!owners.isEmpty()) {
          pairs =
              pairs.withNegatives(
                  docs.get("{}:", b), owners.stream().mapToInt(Integer::intValue).toArray());
        }
        if (labels != null) {
          pairs = pairs.withLabels(labels);
        }
        boolean[] notNegative = FalseNegatives.mask(batch);
        if (notNegative != null) {
          pairs = pairs.withNotNegative(notNegative);
        }
        NDArray value = loss.compute(pairs); // scalar
        collector.backward(value.mul(OwnedArrays.scalar(value, (float) (share * scale))));
        totals.loss += value.toType(DataType.FLOAT32, false).getFloat() * share;
        totals.correct += correctInBatch(queries, docs, b);
      }
    }
  }

  /** Base embeddings of documents, from the cache or one no-gradient pass for the misses. [N, H] */
  private NDArray baseDocumentEmbeddings(List<String> documents, StepTotals totals) {
    int h = encoder.config().hiddenSize();
    float[] flat = new float[documents.size() * h];
    List<String> missing = new ArrayList<>();
    Map<String, float[]> found = new HashMap<>();
    for (String d : documents) {
      float[] v = documentCache.get(d);
      if (v != null) {
        found.put(d, v);
      } else if (!found.containsKey(d) && !missing.contains(d)) {
        missing.add(d);
      }
    }
    for (String text : missing) {
      float[] computed = documentCache.getOrCompute(encoder, tokenizer, text);
      totals.addTower(tokenizer.encode(List.of(text)), encoder, false);
      found.put(text, computed);
    }
    for (int i = 0; i < documents.size(); i++) {
      System.arraycopy(found.get(documents.get(i)), 0, flat, i * h, h);
    }
    return OwnedArrays.of(
        encoder.manager(), flat, new Shape(documents.size(), h)); // float32, like pooled queries
  }

  /** Anchors whose own positive outscored every other candidate of the micro-batch. */
  private static int correctInBatch(NDArray queries, NDArray docs, int b) {
    NDArray scores = queries.stopGradient().matMul(docs.stopGradient().transpose()); // [B, B + M]
    long[] best = scores.argMax(1).toLongArray();
    int correct = 0;
    for (int i = 0; i < b; i++) {
      correct += best[i] == i ? 1 : 0;
    }
    return correct;
  }

  /**
   * Moves the FP16 working copies' gradients, unscaled and in float32, into an AdamW step on the
   * masters. A non-finite gradient (FP16 overflow) skips the step and halves the loss scale; a run
   * of good steps doubles it again (dynamic loss scaling).
   */
  private boolean applyMixedPrecisionStep(LoraAdapter working) {
    try (NDScope scope = new NDScope()) {
      Map<String, NDArray> gradients = new HashMap<>();
      boolean finite = true;
      for (LoraKey key : working.aByKey().keySet()) {
        for (boolean isA : new boolean[] {true, false}) {
          NDArray g =
              (isA ? working.a(key) : working.b(key))
                  .getGradient()
                  .toType(DataType.FLOAT32, false)
                  .div(lossScale);
          finite &=
              g.isInfinite().any().getBoolean() == false && g.isNaN().any().getBoolean() == false;
          gradients.put(parameterName(key, isA), g);
        }
      }
      if (!finite) {
        lossScale = Math.max(1, lossScale / 2);
        goodStepsSinceScaleChange = 0;
        return false;
      }
      optimizer.step(
          settings.schedule().multiplier(optimizer.stepCount() + 1), p -> gradients.get(p.name()));
      if (++goodStepsSinceScaleChange >= LOSS_SCALE_GROWTH_INTERVAL) {
        lossScale *= 2;
        goodStepsSinceScaleChange = 0;
      }
      return true;
    }
  }

  /** The adapter as it stands, copied to the host. */
  public AdapterWeights adapterWeights() {
    return master.toWeights();
  }

  /** The live adapter (float32 masters); for evaluation without a host copy. Do not close it. */
  public LoraAdapter adapter() {
    return master;
  }

  /** Adapter, optimizer moments, step and seed: enough to resume exactly. */
  public TrainingState exportState() {
    return new TrainingState(
        master.toWeights(), optimizer.exportState(), settings.seed(), lossScale);
  }

  /**
   * Seeds query mode's cache of base document embeddings, e.g. from a cached corpus matrix, so
   * training never embeds those documents again. Resuming a run must seed it the same way.
   */
  public void primeDocumentEmbeddings(java.util.Map<String, float[]> byText) {
    byText.forEach(documentCache::put);
  }

  /** Base document embeddings cached for query mode. */
  public int cachedDocuments() {
    return documentCache.size();
  }

  @Override
  public void close() {
    optimizer.close();
    master.close();
  }

  static String parameterName(LoraKey key, boolean isA) {
    return "base_model.model." + key.moduleName() + (isA ? ".lora_A.weight" : ".lora_B.weight");
  }

  private static List<NamedParameter> namedParameters(LoraAdapter adapter) {
    List<NamedParameter> out = new ArrayList<>();
    for (LoraKey key : adapter.aByKey().keySet()) {
      out.add(new NamedParameter(parameterName(key, true), adapter.a(key)));
      out.add(new NamedParameter(parameterName(key, false), adapter.b(key)));
    }
    return out;
  }

  /** A well-mixed seed for dropout in micro-batch {@code micro} of step {@code step}. */
  static int dropoutSeed(long seed, long step, int micro) {
    long z = seed ^ (step * 0x9E3779B97F4A7C15L) ^ ((long) micro << 48);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return (int) ((z ^ (z >>> 31)) & Integer.MAX_VALUE); // DJL seeds PyTorch with an int
  }

  /** Running sums over a step's micro-batches. */
  private static final class StepTotals {
    double loss;
    int correct;
    long tokens;
    double flops;

    void addTower(TokenBatch batch, BertEncoder encoder, boolean backward) {
      tokens += batch.realTokens();
      flops += TrainingFlops.tower(encoder.config(), batch.lengths(), backward);
    }
  }
}
