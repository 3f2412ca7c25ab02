package io.lorastream.bench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.lorastream.model.Embedder;
import io.lorastream.model.EncoderStack;
import io.lorastream.model.InputType;
import io.lorastream.model.adapter.AdaptationMode;
import io.lorastream.model.encoder.BertEncoder;
import io.lorastream.model.eval.BeirDataset;
import io.lorastream.model.eval.Qrels;
import io.lorastream.model.lora.LoraConfig;
import io.lorastream.model.reference.OnnxRuntimeConfig;
import io.lorastream.model.reference.OnnxRuntimeEmbedder;
import io.lorastream.model.runtime.MallocTrim;
import io.lorastream.model.serving.EngineChoice;
import io.lorastream.model.serving.ServingEmbedder;
import io.lorastream.model.serving.ServingEngine;
import io.lorastream.model.serving.ServingEngines;
import io.lorastream.model.train.LoraTrainingSession;
import io.lorastream.model.train.StepResult;
import io.lorastream.model.train.TrainingExample;
import io.lorastream.model.train.TrainingSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The model benchmark: serving throughput against ONNX Runtime on the same texts, training
 * throughput against a matrix-multiply peak, and native-memory growth over a long training run,
 * each compared with its baseline in the same process so a noisy shared machine cancels out.
 * Serving runs on the engine the server would use ({@link EngineChoice}), with the server's pass
 * bounds.
 */
public final class ModelBenchmark {

  /** Training steps before any is timed (first-call setup, caches). */
  static final int WARMUP_STEPS = 2;

  /**
   * @param dataset a BEIR folder (SciFact): documents to embed, train pairs to learn from
   * @param servingBatch documents per serving call (32)
   * @param servingBatches serving calls per engine and round
   * @param rounds serving rounds; engines alternate call by call
   * @param trainBatch pairs per training step (16)
   * @param windowSteps training steps per timing window: each window's GFLOP/s is divided by the
   *     matmul peak measured right after it, so a machine whose speed drifts cancels out
   * @param rssSteps training steps in all; RSS growth is the highest RSS after the last 20 steps
   *     less the highest after steps 11 to 30
   * @param engine what serves (auto: as the server picks)
   */
  public record Settings(
      Path dataset,
      int servingBatch,
      int servingBatches,
      int rounds,
      int trainBatch,
      int windowSteps,
      int rssSteps,
      EngineChoice engine,
      EncoderStackSpec stack) {

    public Settings {
      if (servingBatch < 1
          || servingBatches < 1
          || rounds < 1
          || trainBatch < 2
          || windowSteps < 1
          || rssSteps < 20
          || windowSteps > rssSteps - WARMUP_STEPS) {
        throw new IllegalArgumentException(
            "benchmark sizes must be positive (train batch >= 2, rss steps >= 20, window steps <= rss"
                + " steps - "
                + WARMUP_STEPS
                + "), got "
                + this);
      }
    }
  }

  /** How to open the encoder (model, device, precision, max length). */
  public interface EncoderStackSpec {
    EncoderStack open() throws IOException;

    int maxLength();
  }

  private ModelBenchmark() {}

  /** Runs the three measurements; progress goes to {@code log}. Returns the flat JSON figures. */
  public static Map<String, Object> run(Settings s, PrintStream log) throws IOException {
    BeirDataset data = BeirDataset.load(s.dataset());
    Map<String, Object> out = new LinkedHashMap<>();
    try (EncoderStack stack = s.stack().open()) {
      serving(s, data, stack, out, log);
      training(s, data, stack, out, log);
    }
    return out;
  }

  private static void serving(
      Settings s, BeirDataset data, EncoderStack stack, Map<String, Object> out, PrintStream log) {
    List<String> docs =
        data.corpus().values().stream()
            .limit((long) s.servingBatch() * s.servingBatches())
            .map(d -> d.embeddingText())
            .toList();
    OnnxRuntimeConfig ortConfig =
        OnnxRuntimeConfig.defaults()
            .withMaxLength(s.stack().maxLength())
            .withBatchSize(s.servingBatch());
    BertEncoder encoder = stack.encoder();
    EngineChoice kind = s.engine().resolve(encoder.device(), encoder.precision());
    try (ServingEngine engine =
            ServingEngines.open(kind, stack.base(), encoder.device(), encoder.precision());
        OnnxRuntimeEmbedder ort = OnnxRuntimeEmbedder.allMiniLmL6V2(ortConfig)) {
      Embedder ours =
          ServingEmbedder.symmetric(
              engine.base(), stack.tokenizer(), encoder.config().hiddenSize());
      ours.embed(docs.subList(0, s.servingBatch()), InputType.DOCUMENT); // warm up both
      ort.embed(docs.subList(0, s.servingBatch()), InputType.DOCUMENT);
      double oursSeconds = 0;
      double ortSeconds = 0;
      for (int round = 0; round < s.rounds(); round++) {
        for (int b = 0; b < s.servingBatches(); b++) {
          List<String> batch = docs.subList(b * s.servingBatch(), (b + 1) * s.servingBatch());
          long t0 = System.nanoTime();
          ours.embed(batch, InputType.DOCUMENT);
          long t1 = System.nanoTime();
          ort.embed(batch, InputType.DOCUMENT);
          long t2 = System.nanoTime();
          oursSeconds += (t1 - t0) / 1e9;
          ortSeconds += (t2 - t1) / 1e9;
        }
        log.printf(
            "serving round %d: ours %.1f docs/s, onnxruntime %.1f docs/s%n",
            round + 1,
            docs.size() * (round + 1) / oursSeconds,
            docs.size() * (round + 1) / ortSeconds);
      }
      double total = (double) docs.size() * s.rounds();
      out.put("serving_docs_per_second", round2(total / oursSeconds));
      out.put("serving_onnxruntime_docs_per_second", round2(total / ortSeconds));
      out.put("serving_ratio_vs_onnxruntime", round3(ortSeconds / oursSeconds));
      out.put("serving_engine", kind.configName());
      out.put("serving_batch", s.servingBatch());
      out.put("serving_documents", docs.size());
      out.put("serving_rounds", s.rounds());
    }
  }

  private static void training(
      Settings s, BeirDataset data, EncoderStack stack, Map<String, Object> out, PrintStream log) {
    List<TrainingExample> pairs = trainPairs(data);
    TrainingSettings settings =
        TrainingSettings.DEFAULT.withMode(AdaptationMode.BOTH).withMicroBatchSize(s.trainBatch());
    try (LoraTrainingSession session =
        LoraTrainingSession.start(
            stack.encoder(), stack.tokenizer(), LoraConfig.DEFAULT, settings)) {
      int cursor = 0;
      double flops = 0;
      double seconds = 0;
      int timed = 0;
      double windowFlops = 0;
      double windowSeconds = 0;
      int windowStart = WARMUP_STEPS + 1;
      List<Double> peaks = new ArrayList<>();
      List<Double> fractions = new ArrayList<>();
      long rssAfter10 = 0;
      long highEarly = 0; // highest RSS after steps 11-30
      long highLate = 0; // highest RSS after the last 20 steps
      double firstLoss = Double.NaN;
      double lastLoss = Double.NaN;
      int firstNonFiniteStep = 0; // 0 = every loss finite
      for (int step = 1; step <= s.rssSteps(); step++) {
        List<TrainingExample> batch = new ArrayList<>(s.trainBatch());
        for (int i = 0; i < s.trainBatch(); i++) {
          batch.add(pairs.get(cursor++ % pairs.size()));
        }
        long t0 = System.nanoTime();
        StepResult r = session.step(batch);
        double dt = (System.nanoTime() - t0) / 1e9;
        if (step > WARMUP_STEPS) {
          flops += r.flops();
          seconds += dt;
          timed++;
          windowFlops += r.flops();
          windowSeconds += dt;
          boolean full = step - windowStart + 1 == s.windowSteps();
          if (full || (step == s.rssSteps() && fractions.isEmpty())) {
            double peak = matmulPeakGflops(stack);
            double achieved = windowFlops / windowSeconds / 1e9;
            peaks.add(peak);
            fractions.add(achieved / peak);
            log.printf(
                "training steps %d-%d: %.1f GFLOP/s, %.2f s/step; matmul peak %.1f GFLOP/s;"
                    + " fraction %.3f%n",
                windowStart,
                step,
                achieved,
                windowSeconds / (step - windowStart + 1),
                peak,
                achieved / peak);
            windowFlops = 0;
            windowSeconds = 0;
            windowStart = step + 1;
          }
        }
        if (step == 1) {
          firstLoss = r.loss();
        }
        lastLoss = r.loss();
        if (!Double.isFinite(r.loss()) && firstNonFiniteStep == 0) {
          firstNonFiniteStep = step;
          log.printf("training step %d: loss is %s%n", step, r.loss());
        }
        long rss = residentSetBytes();
        if (step == 10) {
          rssAfter10 = rss;
        }
        if (step > 10 && step <= 30) {
          highEarly = Math.max(highEarly, rss);
        }
        if (step > s.rssSteps() - 20) {
          highLate = Math.max(highLate, rss);
        }
        if (step % 10 == 0) {
          log.printf(
              "training step %d/%d: loss %.4f, %.2f s/step, RSS %d MB%n",
              step, s.rssSteps(), r.loss(), dt, rss >> 20);
        }
      }
      long rssEnd = residentSetBytes();
      out.put("training_gflops_per_second", round2(flops / seconds / 1e9));
      out.put("matmul_peak_gflops_per_second", round2(median(peaks)));
      out.put("training_fraction_of_matmul_peak", round3(median(fractions)));
      out.put("training_fraction_per_window", fractions.stream().map(f -> round3(f)).toList());
      out.put("training_window_steps", s.windowSteps());
      out.put("training_seconds_per_step", round3(seconds / timed));
      out.put("training_batch", s.trainBatch());
      out.put("training_mode", "both");
      out.put("training_loss_first", round3(firstLoss));
      out.put("training_loss_last", round3(lastLoss));
      out.put("training_first_non_finite_loss_step", firstNonFiniteStep);
      out.put("rss_after_10_steps_mb", rssAfter10 >> 20);
      out.put("rss_after_steps_mb", rssEnd >> 20);
      out.put("rss_steps", s.rssSteps());
      out.put("rss_high_steps_11_to_30_mb", highEarly >> 20);
      out.put("rss_high_last_20_steps_mb", highLate >> 20);
      // Highest against highest: RSS that a trim brings down now and then is a sawtooth, and two
      // single readings land anywhere on it.
      out.put("rss_growth_mb", (highLate - highEarly) >> 20);
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /**
   * Best float32 matmul throughput over a few square sizes, in GFLOP/s, on the encoder's device.
   */
  static double matmulPeakGflops(EncoderStack stack) {
    double best = 0;
    NDManager manager = stack.encoder().manager();
    for (int n : new int[] {512, 1024, 2048}) {
      try (NDScope scope = new NDScope()) {
        NDArray a = manager.randomNormal(new Shape(n, n));
        NDArray b = manager.randomNormal(new Shape(n, n));
        a.matMul(b).toFloatArray(); // warm up, and wait for the device
        int reps = n >= 2048 ? 3 : 10;
        long t0 = System.nanoTime();
        NDArray c = null;
        for (int i = 0; i < reps; i++) {
          c = a.matMul(b);
        }
        c.get(0, 0).getFloat(); // synchronise (GPU)
        double seconds = (System.nanoTime() - t0) / 1e9;
        best = Math.max(best, reps * 2.0 * n * n * n / seconds / 1e9);
      }
    }
    return best;
  }

  static List<TrainingExample> trainPairs(BeirDataset data) {
    Qrels qrels = data.qrels("train");
    List<TrainingExample> pairs = new ArrayList<>();
    for (Map.Entry<String, Set<String>> e : data.relevantDocs(qrels).entrySet()) {
      String query = data.queries().get(e.getKey()).text();
      for (String docId : e.getValue()) {
        pairs.add(TrainingExample.of(query, data.corpus().get(docId).embeddingText()));
      }
    }
    return pairs;
  }

  /** The process's resident set size from /proc (Linux); 0 where it is not available. */
  static long residentSetBytes() {
    return Math.max(0, MallocTrim.residentBytes());
  }

  // NaN and infinities pass through (Math.round would turn NaN into 0 and hide a diverged run).
  private static double round2(double x) {
    return Double.isFinite(x) ? Math.round(x * 100) / 100.0 : x;
  }

  private static double round3(double x) {
    return Double.isFinite(x) ? Math.round(x * 1000) / 1000.0 : x;
  }
}
