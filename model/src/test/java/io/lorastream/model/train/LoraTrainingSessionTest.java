package io.lorastream.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.lorastream.model.adapter.AdaptationMode;
import io.lorastream.model.encoder.BertEncoder;
import io.lorastream.model.lora.AdapterWeights;
import io.lorastream.model.lora.LoraConfig;
import io.lorastream.model.lora.LoraKey;
import io.lorastream.model.lora.LoraTarget;
import io.lorastream.model.loss.LossConfig;
import io.lorastream.model.optim.AdamWConfig;
import io.lorastream.model.runtime.Precision;
import io.lorastream.model.testing.TinyModels;
import io.lorastream.model.tokenize.TextTokenizer;
import io.lorastream.model.weights.BaseModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoraTrainingSessionTest {

  private static final LoraConfig LORA =
      new LoraConfig(
          4, 8, 0.1, EnumSet.of(LoraTarget.QUERY, LoraTarget.VALUE, LoraTarget.FFN_OUT), false);
  private static final TrainingSettings SETTINGS =
      TrainingSettings.DEFAULT
          .withOptimizer(AdamWConfig.withLearningRate(5e-3))
          .withMicroBatchSize(4);

  @TempDir static Path dir;
  private static BaseModel base;
  private static BertEncoder encoder;
  private static TextTokenizer tokenizer;

  @BeforeAll
  static void setUp() throws Exception {
    base = TinyModels.random(TinyModels.TINY, 21);
    encoder = BertEncoder.load(base, Device.cpu(), Precision.FP32);
    tokenizer = TextTokenizer.load(TinyModels.tokenizerJson(dir), 32);
  }

  @AfterAll
  static void tearDown() {
    tokenizer.close();
    encoder.close();
  }

  static List<List<TrainingExample>> batches(int count, int size) {
    String[] topics = {
      "heart attack",
      "aspirin dose",
      "gene editing",
      "stem cells",
      "insulin resistance",
      "air pollution",
      "yeast stress",
      "t cells"
    };
    List<List<TrainingExample>> out = new ArrayList<>();
    int k = 0;
    for (int b = 0; b < count; b++) {
      List<TrainingExample> batch = new ArrayList<>();
      for (int i = 0; i < size; i++, k++) {
        String topic = topics[k % topics.length];
        batch.add(
            new TrainingExample(
                "what about " + topic + " " + k,
                "a study of " + topic + " found effects",
                List.of("unrelated text number " + k),
                1 + (k % 3),
                null));
      }
      out.add(batch);
    }
    return out;
  }

  @Test
  void onlyTheLoraFactorsChangeAndTheBaseStaysFrozen() {
    float[] before = encoder.weight(new LoraKey(0, LoraTarget.QUERY)).toFloatArray();
    try (LoraTrainingSession session =
        LoraTrainingSession.start(encoder, tokenizer, LORA, SETTINGS)) {
      AdapterWeights initial = session.adapterWeights();
      for (List<TrainingExample> batch : batches(3, 8)) {
        session.step(batch);
      }
      AdapterWeights trained = session.adapterWeights();
      initial
          .pairs()
          .forEach((key, pair) -> assertThat(trained.pairs().get(key).b()).isNotEqualTo(pair.b()));
      assertThat(session.stepCount()).isEqualTo(3);
    }
    assertThat(encoder.weight(new LoraKey(0, LoraTarget.QUERY)).toFloatArray())
        .containsExactly(before);
  }

  @Test
  void sameSeedAndBatchesGiveTheSameAdapter() {
    AdapterWeights first;
    AdapterWeights second;
    try (LoraTrainingSession a = LoraTrainingSession.start(encoder, tokenizer, LORA, SETTINGS)) {
      batches(4, 8).forEach(a::step);
      first = a.adapterWeights();
    }
    try (LoraTrainingSession b = LoraTrainingSession.start(encoder, tokenizer, LORA, SETTINGS)) {
      batches(4, 8).forEach(b::step);
      second = b.adapterWeights();
    }
    assertThat(maxAbsDiff(second, first)).isLessThan(1e-6f);
  }

  @Test
  void resumingFromAnExportedStateContinuesExactlyAsIfUninterrupted() {
    List<List<TrainingExample>> batches = batches(6, 8);
    AdapterWeights uninterrupted;
    try (LoraTrainingSession s = LoraTrainingSession.start(encoder, tokenizer, LORA, SETTINGS)) {
      batches.forEach(s::step);
      uninterrupted = s.adapterWeights();
    }
    TrainingState midway;
    try (LoraTrainingSession s = LoraTrainingSession.start(encoder, tokenizer, LORA, SETTINGS)) {
      batches.subList(0, 3).forEach(s::step);
      midway = s.exportState();
    }
    try (LoraTrainingSession resumed =
        LoraTrainingSession.resume(encoder, tokenizer, SETTINGS, midway)) {
      assertThat(resumed.stepCount()).isEqualTo(3);
      batches.subList(3, 6).forEach(resumed::step);
      // Equal within 1e-6 rather than bit for bit: MKL may pick kernels by buffer alignment, which
      // changes the last bits of some products between runs (its conditional reproducibility is
      // off).
      assertThat(maxAbsDiff(resumed.adapterWeights(), uninterrupted)).isLessThan(1e-6f);
    }
  }

  static float maxAbsDiff(AdapterWeights a, AdapterWeights b) {
    float max = 0;
    for (var e : a.pairs().entrySet()) {
      max = Math.max(max, e.getValue().a().maxAbsDiff(b.pairs().get(e.getKey()).a()));
      max = Math.max(max, e.getValue().b().maxAbsDiff(b.pairs().get(e.getKey()).b()));
    }
    return max;
  }

  @Test
  void gradientAccumulationOverMicroBatchesMatchesTheWeightedLoss() {
    // 8 pairs in micro-batches of 4 = 2 backward passes into one update; the reported loss is the
    // weight-share-weighted mean of the two micro-batch losses.
    try (LoraTrainingSession s = LoraTrainingSession.start(encoder, tokenizer, LORA, SETTINGS)) {
      StepResult r = s.step(batches(1, 8).get(0));
      assertThat(r.pairs()).isEqualTo(8);
      assertThat(r.loss()).isFinite().isPositive();
      assertThat(r.inBatchAccuracy()).isBetween(0.0, 1.0);
      assertThat(r.flops()).isPositive();
    }
  }

  @Test
  void trainingLowersTheLossOnRepeatedData() {
    List<TrainingExample> batch = batches(1, 8).get(0);
    try (LoraTrainingSession s = LoraTrainingSession.start(encoder, tokenizer, LORA, SETTINGS)) {
      double first = s.step(batch).loss();
      double last = first;
      for (int i = 0; i < 30; i++) {
        last = s.step(batch).loss();
      }
      assertThat(last).isLessThan(first * 0.8);
    }
  }

  @Test
  void queryModeEmbedsDocumentsWithTheBaseOnceAndCachesThem() {
    try (LoraTrainingSession s =
        LoraTrainingSession.start(
            encoder, tokenizer, LORA, SETTINGS.withMode(AdaptationMode.QUERY))) {
      List<TrainingExample> batch = batches(1, 8).get(0);
      StepResult first = s.step(batch);
      int cached = s.cachedDocuments();
      StepResult second = s.step(batch);
      assertThat(cached).isEqualTo(16); // 8 positives + 8 negatives, all distinct
      assertThat(second.tokens()).isLessThan(first.tokens()); // documents came from the cache
    }
  }

  @Test
  void aSharedDocumentCacheSparesTheSecondSessionItsDocumentPassesAndGivesTheSameStep() {
    DocumentEmbeddingCache shared = new DocumentEmbeddingCache(100);
    List<TrainingExample> batch = batches(1, 8).get(0);
    TrainingSettings query = SETTINGS.withMode(AdaptationMode.QUERY);
    StepResult first;
    StepResult second;
    AdapterWeights firstWeights;
    try (LoraTrainingSession a =
        LoraTrainingSession.start(encoder, tokenizer, LORA, query, shared)) {
      first = a.step(batch);
      firstWeights = a.adapterWeights();
    }
    assertThat(shared.size()).isEqualTo(16);
    try (LoraTrainingSession b =
        LoraTrainingSession.start(encoder, tokenizer, LORA, query, shared)) {
      second = b.step(batch);
      assertThat(b.adapterWeights()).isEqualTo(firstWeights);
    }
    assertThat(second.tokens()).isLessThan(first.tokens());
    assertThat(shared.getOrCompute(encoder, tokenizer, batch.get(0).positive()))
        .isSameAs(shared.get(batch.get(0).positive()));
  }

  @Test
  void bothModeTrainsTheDocumentTowerToo() {
    try (LoraTrainingSession s =
        LoraTrainingSession.start(
            encoder, tokenizer, LORA, SETTINGS.withMode(AdaptationMode.BOTH))) {
      StepResult r = s.step(batches(1, 8).get(0));
      assertThat(s.cachedDocuments()).isZero();
      assertThat(r.loss()).isFinite();
    }
  }

  @Test
  void mixedPrecisionTrainsAnFp16BaseWithFloat32Masters() {
    try (BertEncoder half = BertEncoder.load(base, Device.cpu(), Precision.FP16);
        LoraTrainingSession s =
            LoraTrainingSession.start(half, tokenizer, LORA, SETTINGS.withMixedPrecision(true))) {
      AdapterWeights initial = s.adapterWeights();
      StepResult r = s.step(batches(1, 8).get(0));
      assertThat(r.skipped()).isFalse();
      assertThat(r.loss()).isFinite();
      AdapterWeights after = s.adapterWeights();
      assertThat(after.allFinite()).isTrue();
      initial
          .pairs()
          .forEach((key, pair) -> assertThat(after.pairs().get(key).b()).isNotEqualTo(pair.b()));
    }
  }

  @Test
  void labelledLossesRefusePairsWithoutLabels() {
    try (LoraTrainingSession s =
        LoraTrainingSession.start(
            encoder, tokenizer, LORA, SETTINGS.withLoss(LossConfig.of("cosine")))) {
      assertThatThrownBy(() -> s.step(batches(1, 4).get(0))).hasMessageContaining("label");
    }
  }

  @Test
  void anFp16EncoderWithoutMixedPrecisionIsRefused() {
    try (BertEncoder half = BertEncoder.load(base, Device.cpu(), Precision.FP16)) {
      assertThatThrownBy(() -> LoraTrainingSession.start(half, tokenizer, LORA, SETTINGS))
          .hasMessageContaining("mixed");
    }
  }

  /** The batch with pair {@code i}'s weight replaced. */
  private static List<TrainingExample> withWeight(
      List<TrainingExample> batch, int i, double weight) {
    List<TrainingExample> out = new ArrayList<>(batch);
    TrainingExample e = batch.get(i);
    out.set(i, new TrainingExample(e.anchor(), e.positive(), e.negatives(), weight, e.label()));
    return out;
  }

  /**
   * Every float of the state as raw bits, in a fixed order: adapter factors, then each parameter's
   * moments.
   */
  private static List<int[]> bits(TrainingState s) {
    List<int[]> out = new ArrayList<>();
    s.adapter()
        .pairs()
        .forEach(
            (key, pair) -> {
              out.add(rawBits(pair.a().data()));
              out.add(rawBits(pair.b().data()));
            });
    s.optimizer()
        .parameters()
        .forEach(
            p -> {
              out.add(rawBits(p.firstMoment().data()));
              out.add(rawBits(p.secondMoment().data()));
            });
    return out;
  }

  private static int[] rawBits(float[] data) {
    int[] out = new int[data.length];
    for (int i = 0; i < data.length; i++) {
      out[i] = Float.floatToRawIntBits(data[i]);
    }
    return out;
  }

  @Test
  void aStepWhoseLossOverflowsIsSkippedAndLeavesWeightsAndMomentsBitForBit() {
    List<List<TrainingExample>> batches = batches(3, 8);
    // 3e38 is a finite float, but 3e38 x a loss above ~1.1 is not: the weighted loss overflows to
    // infinity
    List<TrainingExample> poisoned = withWeight(batches.get(1), 3, 3e38);
    AdapterWeights clean;
    try (LoraTrainingSession s = LoraTrainingSession.start(encoder, tokenizer, LORA, SETTINGS)) {
      s.step(batches.get(0));
      s.step(batches.get(2));
      clean = s.adapterWeights();
    }
    try (LoraTrainingSession s = LoraTrainingSession.start(encoder, tokenizer, LORA, SETTINGS)) {
      s.step(batches.get(0));
      TrainingState before = s.exportState();
      StepResult r = s.step(poisoned);
      assertThat(r.skipped()).isTrue();
      assertThat(r.loss()).isNotFinite();
      TrainingState after = s.exportState();
      assertThat(after.optimizer().step()).isEqualTo(1);
      assertThat(bits(after))
          .usingElementComparator(java.util.Arrays::compare)
          .containsExactlyElementsOf(bits(before));
      // nothing else was disturbed: the next good step is the one a run without the poisoned step
      // takes
      assertThat(s.step(batches.get(2)).skipped()).isFalse();
      assertThat(maxAbsDiff(s.adapterWeights(), clean)).isLessThan(1e-6f);
    }
  }

  @Test
  void aWeightThatIsInfiniteAsAFloatSkipsTheStepInsteadOfFailingIt() {
    try (LoraTrainingSession s = LoraTrainingSession.start(encoder, tokenizer, LORA, SETTINGS)) {
      s.step(batches(1, 8).get(0));
      TrainingState before = s.exportState();
      StepResult r =
          s.step(
              withWeight(batches(1, 8).get(0), 0, 1e39)); // finite as a double, Infinity as a float
      assertThat(r.skipped()).isTrue();
      assertThat(bits(s.exportState()))
          .usingElementComparator(java.util.Arrays::compare)
          .containsExactlyElementsOf(bits(before));
      assertThat(s.stepCount()).isEqualTo(1);
    }
  }

  @Test
  void mixedPrecisionSkipsANonFiniteLossWithoutTouchingTheMasters() {
    try (BertEncoder half = BertEncoder.load(base, Device.cpu(), Precision.FP16);
        LoraTrainingSession s =
            LoraTrainingSession.start(half, tokenizer, LORA, SETTINGS.withMixedPrecision(true))) {
      s.step(batches(1, 8).get(0));
      TrainingState before = s.exportState();
      StepResult r = s.step(withWeight(batches(1, 8).get(0), 2, 3e38));
      assertThat(r.skipped()).isTrue();
      TrainingState after = s.exportState();
      assertThat(bits(after))
          .usingElementComparator(java.util.Arrays::compare)
          .containsExactlyElementsOf(bits(before));
      assertThat(after.optimizer().step()).isEqualTo(before.optimizer().step());
    }
  }
}
