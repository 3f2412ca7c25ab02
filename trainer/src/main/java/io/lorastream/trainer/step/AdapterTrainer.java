package io.lorastream.trainer.step;

import io.lorastream.model.lora.AdapterWeights;
import io.lorastream.model.tokenize.TextTokenizer;
import io.lorastream.model.train.DocumentEmbeddingCache;
import io.lorastream.model.train.LoraTrainingSession;
import io.lorastream.model.train.StepResult;
import io.lorastream.model.train.TrainingExample;
import io.lorastream.trainer.AdapterSettings;
import io.lorastream.trainer.TrainerLimits;
import io.lorastream.trainer.checkpoint.AdapterCheckpoint;
import io.lorastream.trainer.gate.GateEvaluator;
import io.lorastream.trainer.gate.HeldOutSet;
import io.lorastream.trainer.gate.HeldOutSlice;
import io.lorastream.trainer.gate.KnownCorpus;
import io.lorastream.trainer.pairs.BufferedPair;
import io.lorastream.trainer.pairs.KnownPositives;
import io.lorastream.trainer.pairs.PairLedger;
import io.lorastream.trainer.pairs.ReplayBuffer;
import io.lorastream.trainer.publish.PublishedVersions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * One adapter's training state on the instance that owns its partition: the training session, the
 * pairs waiting for a step, the replay buffer and generator, the held-out evaluation set, counters
 * and the last published version. Everything here goes into {@link AdapterCheckpoint} and comes
 * back from it, so a resumed adapter continues exactly. Not thread-safe; the trainer's poll thread
 * drives it.
 */
public final class AdapterTrainer implements AutoCloseable {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(AdapterTrainer.class);

  /** A step taken: what the session reported and the batch's make-up. */
  public record Step(StepResult result, int newPairs, int replayed, long newestEventMs) {}

  private final String name;
  private final AdapterSettings settings;
  private final TopicPartition input;
  private final LoraTrainingSession session;
  private final TextTokenizer tokenizer;
  private final DocumentEmbeddingCache documents;
  private final KnownCorpus corpus;
  private final SplitMix64 random;
  private final PendingPairs pending;
  private final ReplayBuffer replay;
  private PairLedger ledger;
  private long pairsReplayed;
  private final SortedMap<String, Long> counters;
  private final HeldOutSet heldOut;
  private final KnownPositives knownPositives;
  private int publishedVersion;
  private AdapterWeights publishedWeights;

  /** The moving average of the trained weights (ema-decay > 0), or null. */
  private AdapterWeights averaged;

  private long newestUnpublishedEventMs;
  private long stepsAtLastGate;

  /** Changed since the last committed checkpoint. */
  private boolean dirty;

  /** Vectors of the published version (or base), reused between gate runs. */
  private GateEvaluator.VectorMemo publishedMemo = new GateEvaluator.VectorMemo();

  /** Vectors of the base model, reused by every gate run. */
  private final GateEvaluator.VectorMemo baseMemo = new GateEvaluator.VectorMemo();

  private AdapterTrainer(
      String name,
      AdapterSettings settings,
      String inputTopic,
      int inputPartition,
      LoraTrainingSession session,
      TextTokenizer tokenizer,
      DocumentEmbeddingCache documents,
      KnownCorpus corpus,
      long randomState,
      List<BufferedPair> pending,
      long pendingSinceMs,
      ReplayBuffer replay,
      PairLedger ledger,
      long pairsReplayed,
      SortedMap<String, Long> counters,
      HeldOutSet heldOut,
      KnownPositives knownPositives) {
    this.name = name;
    this.settings = settings;
    this.input = new TopicPartition(inputTopic, inputPartition);
    this.session = session;
    this.tokenizer = tokenizer;
    this.documents = documents;
    this.corpus = corpus;
    this.random = new SplitMix64(randomState);
    this.pending = new PendingPairs(pending, pendingSinceMs);
    this.replay = replay;
    this.ledger = ledger;
    this.pairsReplayed = pairsReplayed;
    this.counters = new TreeMap<>(counters);
    this.heldOut = heldOut;
    this.knownPositives = knownPositives;
  }

  /** A new adapter: LoRA B = 0 (the base model), nothing seen. */
  public static AdapterTrainer start(
      String name,
      AdapterSettings settings,
      String inputTopic,
      int inputPartition,
      TrainerModel model,
      int maxQueries,
      int maxPoolDocs) {
    return start(
        name,
        settings,
        inputTopic,
        inputPartition,
        model,
        maxQueries,
        maxPoolDocs,
        TrainerLimits.DEFAULTS);
  }

  /** A new adapter under {@code limits}' bounds on known positives. */
  public static AdapterTrainer start(
      String name,
      AdapterSettings settings,
      String inputTopic,
      int inputPartition,
      TrainerModel model,
      int maxQueries,
      int maxPoolDocs,
      TrainerLimits limits) {
    int length = settings.maxSeqLength();
    LoraTrainingSession session =
        LoraTrainingSession.start(
            model.encoder(),
            model.tokenizer(length),
            settings.lora(),
            settings.trainingSettings(model.fp16()),
            model.documents(length));
    return fresh(
        name,
        settings,
        inputTopic,
        inputPartition,
        model,
        maxQueries,
        maxPoolDocs,
        limits,
        session);
  }

  /**
   * An adapter without a usable checkpoint that continues from its newest published version: that
   * version's weights with a fresh optimizer, and its version number (the next one published is the
   * one after it). What the lost state held (pending pairs, replay buffer, held-out set, ledger)
   * starts empty.
   */
  public static AdapterTrainer fromPublished(
      String name,
      AdapterSettings settings,
      String inputTopic,
      int inputPartition,
      TrainerModel model,
      int maxQueries,
      int maxPoolDocs,
      TrainerLimits limits,
      PublishedVersions.Version published) {
    requireShape(
        name,
        "its published version " + published.manifest().key(),
        published.weights().config(),
        settings);
    int length = settings.maxSeqLength();
    LoraTrainingSession session =
        LoraTrainingSession.startFrom(
            model.encoder(),
            model.tokenizer(length),
            published.weights(),
            settings.trainingSettings(model.fp16()),
            model.documents(length));
    AdapterTrainer t =
        fresh(
            name,
            settings,
            inputTopic,
            inputPartition,
            model,
            maxQueries,
            maxPoolDocs,
            limits,
            session);
    t.adoptPublished(published);
    return t;
  }

  private static AdapterTrainer fresh(
      String name,
      AdapterSettings settings,
      String inputTopic,
      int inputPartition,
      TrainerModel model,
      int maxQueries,
      int maxPoolDocs,
      TrainerLimits limits,
      LoraTrainingSession session) {
    int length = settings.maxSeqLength();
    return new AdapterTrainer(
        name,
        settings,
        inputTopic,
        inputPartition,
        session,
        model.tokenizer(length),
        model.documents(length),
        model.corpus(length),
        settings.seed(),
        List.of(),
        0,
        new ReplayBuffer(settings.replayBufferSize()),
        PairLedger.EMPTY,
        0,
        new TreeMap<>(),
        new HeldOutSet(maxQueries, maxPoolDocs),
        new KnownPositives(limits.knownPositiveQueries(), limits.knownPositivesPerQuery()));
  }

  /** The adapter as a committed checkpoint left it. */
  static AdapterTrainer restore(
      AdapterCheckpoint c,
      AdapterSettings settings,
      TrainerModel model,
      int maxQueries,
      int maxPoolDocs) {
    return restore(c, settings, model, maxQueries, maxPoolDocs, TrainerLimits.DEFAULTS);
  }

  /**
   * The adapter as a committed checkpoint left it, under {@code limits}' bounds on known positives.
   */
  public static AdapterTrainer restore(
      AdapterCheckpoint c,
      AdapterSettings settings,
      TrainerModel model,
      int maxQueries,
      int maxPoolDocs,
      TrainerLimits limits) {
    requireShape(c.adapter(), "a checkpoint", c.training().adapter().config(), settings);
    int length = settings.maxSeqLength();
    LoraTrainingSession session =
        LoraTrainingSession.resume(
            model.encoder(),
            model.tokenizer(length),
            settings.trainingSettings(model.fp16()),
            c.training(),
            model.documents(length));
    AdapterTrainer t =
        new AdapterTrainer(
            c.adapter(),
            settings,
            c.inputTopic(),
            c.inputPartition(),
            session,
            model.tokenizer(length),
            model.documents(length),
            model.corpus(length),
            c.randomState(),
            c.pending(),
            c.pendingSinceMs(),
            new ReplayBuffer(settings.replayBufferSize(), c.replay(), c.replayOffered()),
            c.ledger(),
            c.pairsReplayed(),
            c.counters(),
            HeldOutSet.of(maxQueries, maxPoolDocs, c.heldOutQueries(), c.pool()),
            KnownPositives.of(
                limits.knownPositiveQueries(),
                limits.knownPositivesPerQuery(),
                c.knownPositives()));
    t.publishedVersion = c.publishedVersion();
    t.publishedWeights = c.publishedWeights();
    t.newestUnpublishedEventMs = c.newestUnpublishedEventMs();
    t.stepsAtLastGate = c.stepsAtLastGate();
    t.averaged = c.averagedWeights();
    return t;
  }

  private static void requireShape(
      String name,
      String what,
      io.lorastream.model.lora.LoraConfig trained,
      AdapterSettings settings) {
    if (!trained.equals(settings.lora())) {
      throw new IllegalStateException(
          "adapter "
              + name
              + " was trained with LoRA "
              + trained
              + " but is now configured with "
              + settings.lora()
              + ": "
              + what
              + " cannot change shape. Restore the old lora_* settings, or train under a new adapter name");
    }
  }

  public String name() {
    return name;
  }

  public AdapterSettings settings() {
    return settings;
  }

  /**
   * Takes {@code published} as the adapter's published version: the gate compares with it, versions
   * go on after it.
   */
  private void adoptPublished(PublishedVersions.Version published) {
    publishedVersion = published.version();
    publishedWeights = published.weights();
    publishedMemo = new GateEvaluator.VectorMemo();
    dirty = true;
  }

  /**
   * A version of the candidate was published (its transaction committed, or the offline loop
   * accepted it): the gate compares with it from now on, and no pair trained so far is waiting for
   * a version any more.
   */
  public void published(int version, AdapterWeights weights) {
    publishedVersion = version;
    publishedWeights = weights;
    newestUnpublishedEventMs = 0;
    publishedMemo = new GateEvaluator.VectorMemo();
    dirty = true;
  }

  /**
   * The gate judged the candidate at the current step: it is not judged again until training moves
   * on.
   */
  public void judged() {
    stepsAtLastGate = session.stepCount();
    dirty = true;
  }

  /** The adapter went on from a fallback: its next checkpoint must replace the refused record. */
  public void fellBack() {
    dirty = true;
  }

  /** The adapter changed since its last committed checkpoint: the next commit writes one. */
  public boolean checkpointDue() {
    return dirty;
  }

  /** Its checkpoint (or the absence of any change) was committed. */
  public void checkpointCommitted() {
    dirty = false;
  }

  /** Where {@link #offer} put a pair. */
  public enum Route {
    TRAINING,
    HELD_OUT,
    NOT_POSITIVE
  }

  /**
   * Takes a consumed pair: its positive becomes a known positive of its query; a pair of a held-out
   * query (a pure function of tenant and query, so the same on every instance and after every
   * restart) goes to the evaluation set and is never trained on; a pair that is not a positive (a
   * grade 0-1 label) trains only the losses that use labels.
   *
   * @param shownDocIds the documents the pair's impression showed (none for labels)
   * @param holdoutFraction the share of queries held out, 0 when the gate evaluates on a fixed set
   */
  public Route offer(
      BufferedPair p, List<String> shownDocIds, String tenant, double holdoutFraction, long nowMs) {
    corpus.offer(p.positiveDocId(), p.positive());
    for (int i = 0; i < p.negatives().size(); i++) {
      corpus.offer(p.negativeDocIds().get(i), p.negatives().get(i));
    }
    if (HeldOutSet.isPositive(p)) {
      knownPositives.add(p.anchor(), p.positiveDocId());
    }
    if (holdoutFraction > 0
        && !settings.gate().fixedEvalSet()
        && HeldOutSlice.isHeldOut(tenant, p.anchor(), holdoutFraction)) {
      heldOut.addHeldOut(HeldOutSlice.queryId(tenant, p.anchor()), p, shownDocIds);
      count("held_out");
      return Route.HELD_OUT;
    }
    if (!settings.loss().needsLabels() && !HeldOutSet.isPositive(p)) {
      count("not_positive");
      heldOut.addPoolDocuments(p);
      return Route.NOT_POSITIVE;
    }
    acceptForTraining(p, nowMs);
    return Route.TRAINING;
  }

  /** A pair to train on; its documents join the evaluation pool. */
  void acceptForTraining(BufferedPair p, long nowMs) {
    pending.add(p, nowMs);
    heldOut.addPoolDocuments(p);
    dirty = true;
  }

  /** A held-out pair: evaluation only, never trained on. */
  void acceptHeldOut(String queryId, BufferedPair p) {
    heldOut.addHeldOut(queryId, p);
    count("held_out");
  }

  /** Counts a pair that was consumed but not used, by reason. */
  void count(String reason) {
    counters.merge(reason, 1L, Long::sum);
    dirty = true;
  }

  /** A full step is waiting, or a partial one waited {@code maxWaitMs} (0 = only full steps). */
  public boolean stepReady(long nowMs, long maxWaitMs) {
    return pending.ready(settings.newPairsPerStep(), nowMs, maxWaitMs);
  }

  /** When a partial batch becomes due, or Long.MAX_VALUE. */
  public long dueAtMs(long maxWaitMs) {
    return pending.dueAtMs(maxWaitMs);
  }

  /**
   * One optimizer step: up to {@code newPairsPerStep} waiting pairs, oldest first, no two with the
   * same query or the same positive (such a pair waits for a later step: in one batch each would be
   * the other's false negative), plus replayed earlier pairs under the same rule, shuffled. Each
   * pair's hard negatives that are known positives of its query are dropped, and in-batch
   * candidates known to be relevant to an anchor are masked out of its negatives.
   */
  public Step step(long nowMs) {
    return train(nextBatch(nowMs));
  }

  /** One optimizer step on a batch {@link #nextBatch} took. */
  Step train(Batch batch) {
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "{} step {}: new {} replayed {} order {} random {}",
          name,
          session.stepCount() + 1,
          batch.fresh().stream().map(p -> p.pairId().substring(0, 8)).toList(),
          batch.replayed().stream().map(p -> p.pairId().substring(0, 8)).toList(),
          batch.pairs().stream().map(p -> p.pairId().substring(0, 8)).toList(),
          random.state());
    }
    StepResult result = session.step(batch.examples());
    dirty = true;
    if (result.skipped()) {
      // a non-finite loss or gradient: nothing was learnt, so the new pairs are neither in the
      // ledger nor replayed
      counters.merge("non_finite_step", (long) batch.fresh().size(), Long::sum);
      LOG.warn(
          "{}: step {} skipped (non-finite loss or gradient); its {} new pair(s) are dropped: {}",
          name,
          session.stepCount() + 1,
          batch.fresh().size(),
          batch.fresh().stream().map(BufferedPair::pairId).toList());
      return new Step(result, batch.fresh().size(), batch.replayed().size(), 0);
    }
    long newest = 0;
    for (BufferedPair p : batch.fresh()) {
      ledger = ledger.plus(p.pairId());
      replay.offer(p, random);
      newest = Math.max(newest, p.eventTimeMs());
    }
    pairsReplayed += batch.replayed().size();
    applyEma();
    newestUnpublishedEventMs = Math.max(newestUnpublishedEventMs, newest);
    dirty = true;
    return new Step(result, batch.fresh().size(), batch.replayed().size(), newest);
  }

  /** Moves the moving average of the weights (ema-decay > 0) towards the weights just trained. */
  private void applyEma() {
    if (settings.emaDecay() > 0) {
      AdapterWeights now = session.adapterWeights();
      averaged =
          averaged == null ? now : AdapterWeights.movingAverage(averaged, now, settings.emaDecay());
    }
  }

  /**
   * A step's batch: the new pairs, the replayed ones, all of them in training order, and the
   * examples the session trains on (known positives dropped from the negatives and masked in the
   * batch).
   */
  record Batch(
      List<BufferedPair> fresh,
      List<BufferedPair> replayed,
      List<BufferedPair> pairs,
      List<TrainingExample> examples) {}

  /** Takes the next step's pairs out of the pending queue (see {@link #step}). */
  Batch nextBatch(long nowMs) {
    List<BufferedPair> fresh = pending.take(settings.newPairsPerStep(), nowMs);
    List<BufferedPair> replayed = replayFor(fresh);
    List<BufferedPair> batch = new ArrayList<>(fresh);
    batch.addAll(replayed);
    for (int i = batch.size() - 1; i > 0; i--) { // Fisher-Yates with the checkpointed generator
      int j = random.nextInt(i + 1);
      BufferedPair t = batch.get(i);
      batch.set(i, batch.get(j));
      batch.set(j, t);
    }
    boolean labels = settings.loss().needsLabels();
    List<TrainingExample> examples =
        batch.stream()
            .map(p -> p.toExample(labels, knownPositives.positivesOf(p.anchor())))
            .toList();
    return new Batch(fresh, replayed, batch, examples);
  }

  private List<BufferedPair> replayFor(List<BufferedPair> fresh) {
    int k = settings.replayPairsFor(fresh.size());
    if (k == 0 || replay.size() == 0) {
      return List.of();
    }
    Set<String> anchors = new HashSet<>();
    Set<String> positives = new HashSet<>();
    fresh.forEach(
        p -> {
          anchors.add(HeldOutSlice.normalize(p.anchor()));
          positives.add(p.positiveDocId());
        });
    List<BufferedPair> out = new ArrayList<>(k);
    for (BufferedPair p : replay.sample(Math.min(replay.size(), 2 * k), random)) {
      if (out.size() == k) {
        break;
      }
      if (anchors.add(HeldOutSlice.normalize(p.anchor())) && positives.add(p.positiveDocId())) {
        out.add(p);
      }
    }
    return out;
  }

  /** Optimizer steps taken (skipped ones included). */
  public long steps() {
    return session.stepCount();
  }

  /** The trained weights (not the moving average, see {@link #candidateWeights}). */
  public AdapterWeights weights() {
    return session.adapterWeights();
  }

  /** The training-pairs partition the adapter's pairs arrive on (they are keyed by adapter). */
  public TopicPartition input() {
    return input;
  }

  LoraTrainingSession session() {
    return session;
  }

  public TextTokenizer tokenizer() {
    return tokenizer;
  }

  /** The cache of base document embeddings at the adapter's max length. */
  public DocumentEmbeddingCache documents() {
    return documents;
  }

  /** Every document the trainer knows at the adapter's max length. */
  public KnownCorpus corpus() {
    return corpus;
  }

  /** The held-out evaluation set and pool. */
  public HeldOutSet heldOut() {
    return heldOut;
  }

  /** The last published version, 0 before the first. */
  public int publishedVersion() {
    return publishedVersion;
  }

  /** The weights of the last published version, or null (the base). */
  public AdapterWeights publishedWeights() {
    return publishedWeights;
  }

  /** Event time of the newest pair trained since the last published version, 0 when none. */
  public long newestUnpublishedEventMs() {
    return newestUnpublishedEventMs;
  }

  /** Vectors of the published version (or base), reused between gate runs. */
  public GateEvaluator.VectorMemo publishedMemo() {
    return publishedMemo;
  }

  /** Vectors of the base model, reused by every gate run. */
  public GateEvaluator.VectorMemo baseMemo() {
    return baseMemo;
  }

  public int pendingCount() {
    return pending.size();
  }

  public PairLedger ledger() {
    return ledger;
  }

  long pairsReplayed() {
    return pairsReplayed;
  }

  SortedMap<String, Long> counters() {
    return java.util.Collections.unmodifiableSortedMap(counters);
  }

  /**
   * What the gate judges and publishes: the moving average of the weights when ema-decay > 0, else
   * the weights.
   */
  public AdapterWeights candidateWeights() {
    return averaged != null ? averaged : session.adapterWeights();
  }

  /** True when training moved since the last gate decision. */
  public boolean trainedSinceGate() {
    return session.stepCount() > stepsAtLastGate;
  }

  /** Everything the adapter holds, as of input offset {@code inputOffset}. */
  public AdapterCheckpoint checkpoint(long inputOffset) {
    return new AdapterCheckpoint(
        name,
        input.topic(),
        input.partition(),
        inputOffset,
        session.exportState(),
        random.state(),
        pending.list(),
        pending.sinceMs(),
        replay.pairs(),
        replay.offered(),
        ledger,
        pairsReplayed,
        counters,
        heldOut.queryList(),
        heldOut.docList(),
        knownPositives.entries(),
        publishedVersion,
        publishedWeights,
        newestUnpublishedEventMs,
        stepsAtLastGate,
        averaged);
  }

  @Override
  public void close() {
    session.close();
  }
}
