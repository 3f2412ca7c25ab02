package io.lorastream.trainer;

import io.lorastream.model.encoder.BertEncoder;
import io.lorastream.model.lora.AdapterWeights;
import io.lorastream.model.tokenize.TextTokenizer;
import io.lorastream.model.train.DocumentEmbeddingCache;
import io.lorastream.model.train.LoraTrainingSession;
import io.lorastream.model.train.StepResult;
import io.lorastream.model.train.TrainingExample;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One adapter's training state on the instance that owns its partition: the training session, the
 * pairs waiting for a step, the replay buffer and generator, the held-out evaluation set, counters and
 * the last published version. Everything here goes into {@link AdapterCheckpoint} and comes back from
 * it, so a resumed adapter continues exactly. Not thread-safe; the trainer's poll thread drives it.
 */
final class AdapterTrainer implements AutoCloseable {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AdapterTrainer.class);

  /** A step taken: what the session reported and the batch's make-up. */
  record Step(StepResult result, int newPairs, int replayed, long newestEventMs) {}

  final String name;
  final AdapterSettings settings;
  final String inputTopic;
  final int inputPartition;
  final LoraTrainingSession session;
  final TextTokenizer tokenizer;
  final DocumentEmbeddingCache documents;
  private final SplitMix64 random;
  private final ArrayDeque<BufferedPair> pending;
  private long pendingSinceMs;
  private final ReplayBuffer replay;
  private PairLedger ledger;
  private long pairsReplayed;
  private final SortedMap<String, Long> counters;
  final HeldOutSet heldOut;
  int publishedVersion;
  AdapterWeights publishedWeights;
  long newestUnpublishedEventMs;
  long stepsAtLastGate;
  /** Changed since the last committed checkpoint. */
  boolean dirty;
  /** Vectors of the published version (or base), reused between gate runs. */
  GateEvaluator.VectorMemo publishedMemo = new GateEvaluator.VectorMemo();

  private AdapterTrainer(
      String name, AdapterSettings settings, String inputTopic, int inputPartition, LoraTrainingSession session,
      TextTokenizer tokenizer, DocumentEmbeddingCache documents, long randomState, List<BufferedPair> pending,
      long pendingSinceMs, ReplayBuffer replay, PairLedger ledger, long pairsReplayed, SortedMap<String, Long> counters,
      HeldOutSet heldOut) {
    this.name = name;
    this.settings = settings;
    this.inputTopic = inputTopic;
    this.inputPartition = inputPartition;
    this.session = session;
    this.tokenizer = tokenizer;
    this.documents = documents;
    this.random = new SplitMix64(randomState);
    this.pending = new ArrayDeque<>(pending);
    this.pendingSinceMs = pendingSinceMs;
    this.replay = replay;
    this.ledger = ledger;
    this.pairsReplayed = pairsReplayed;
    this.counters = new TreeMap<>(counters);
    this.heldOut = heldOut;
  }

  /** A new adapter: LoRA B = 0 (the base model), nothing seen. */
  static AdapterTrainer start(
      String name, AdapterSettings settings, String inputTopic, int inputPartition, BertEncoder encoder,
      TextTokenizer tokenizer, DocumentEmbeddingCache documents, int maxQueries, int maxPoolDocs, boolean fp16Base) {
    LoraTrainingSession session =
        LoraTrainingSession.start(encoder, tokenizer, settings.lora(), settings.trainingSettings(fp16Base), documents);
    return new AdapterTrainer(
        name, settings, inputTopic, inputPartition, session, tokenizer, documents, settings.seed(), List.of(), 0,
        new ReplayBuffer(settings.replayBufferSize()), PairLedger.EMPTY, 0, new TreeMap<>(),
        new HeldOutSet(maxQueries, maxPoolDocs));
  }

  /** The adapter as a committed checkpoint left it. */
  static AdapterTrainer restore(
      AdapterCheckpoint c, AdapterSettings settings, BertEncoder encoder, TextTokenizer tokenizer,
      DocumentEmbeddingCache documents, int maxQueries, int maxPoolDocs, boolean fp16Base) {
    if (!c.training().adapter().config().equals(settings.lora())) {
      throw new IllegalStateException(
          "adapter " + c.adapter() + " was trained with LoRA " + c.training().adapter().config() + " but is now configured"
              + " with " + settings.lora() + ": a checkpoint cannot change shape. Restore the old lora_* settings, or train"
              + " under a new adapter name");
    }
    LoraTrainingSession session =
        LoraTrainingSession.resume(encoder, tokenizer, settings.trainingSettings(fp16Base), c.training(), documents);
    AdapterTrainer t =
        new AdapterTrainer(
            c.adapter(), settings, c.inputTopic(), c.inputPartition(), session, tokenizer, documents, c.randomState(),
            c.pending(), c.pendingSinceMs(), new ReplayBuffer(settings.replayBufferSize(), c.replay(), c.replayOffered()),
            c.ledger(), c.pairsReplayed(), c.counters(), HeldOutSet.of(maxQueries, maxPoolDocs, c.heldOutQueries(), c.pool()));
    t.publishedVersion = c.publishedVersion();
    t.publishedWeights = c.publishedWeights();
    t.newestUnpublishedEventMs = c.newestUnpublishedEventMs();
    t.stepsAtLastGate = c.stepsAtLastGate();
    return t;
  }

  /** A pair to train on; its documents join the evaluation pool. */
  void acceptForTraining(BufferedPair p, long nowMs) {
    if (pending.isEmpty()) {
      pendingSinceMs = nowMs;
    }
    pending.add(p);
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
  boolean stepReady(long nowMs, long maxWaitMs) {
    if (pending.size() >= settings.newPairsPerStep()) {
      return true;
    }
    return !pending.isEmpty() && maxWaitMs > 0 && nowMs - pendingSinceMs >= maxWaitMs;
  }

  /** When a partial batch becomes due, or Long.MAX_VALUE. */
  long dueAtMs(long maxWaitMs) {
    return pending.isEmpty() || maxWaitMs <= 0 ? Long.MAX_VALUE : pendingSinceMs + maxWaitMs;
  }

  /**
   * One optimizer step: up to {@code newPairsPerStep} waiting pairs plus replayed earlier pairs (none
   * repeating a new pair's query or positive, which would be in-batch false negatives), shuffled.
   */
  Step step(long nowMs) {
    int n = Math.min(pending.size(), settings.newPairsPerStep());
    List<BufferedPair> fresh = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      fresh.add(pending.poll());
    }
    pendingSinceMs = pending.isEmpty() ? 0 : nowMs;
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
    List<TrainingExample> examples = batch.stream().map(p -> p.toExample(labels)).toList();
    if (LOG.isDebugEnabled()) {
      LOG.debug("{} step {}: new {} replayed {} order {} random {}", name, session.stepCount() + 1,
          fresh.stream().map(p -> p.pairId().substring(0, 8)).toList(), replayed.stream().map(p -> p.pairId().substring(0, 8)).toList(),
          batch.stream().map(p -> p.pairId().substring(0, 8)).toList(), random.state());
    }
    StepResult result = session.step(examples);
    long newest = 0;
    for (BufferedPair p : fresh) {
      ledger = ledger.plus(p.pairId());
      replay.offer(p, random);
      newest = Math.max(newest, p.eventTimeMs());
    }
    pairsReplayed += replayed.size();
    newestUnpublishedEventMs = Math.max(newestUnpublishedEventMs, newest);
    dirty = true;
    return new Step(result, fresh.size(), replayed.size(), newest);
  }

  private List<BufferedPair> replayFor(List<BufferedPair> fresh) {
    int k = settings.replayPairsFor(fresh.size());
    if (k == 0 || replay.size() == 0) {
      return List.of();
    }
    Set<String> anchors = new HashSet<>();
    Set<String> positives = new HashSet<>();
    fresh.forEach(p -> {
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

  int pendingCount() {
    return pending.size();
  }

  PairLedger ledger() {
    return ledger;
  }

  long pairsReplayed() {
    return pairsReplayed;
  }

  SortedMap<String, Long> counters() {
    return java.util.Collections.unmodifiableSortedMap(counters);
  }

  /** True when training moved since the last gate decision. */
  boolean trainedSinceGate() {
    return session.stepCount() > stepsAtLastGate;
  }

  AdapterCheckpoint checkpoint(long inputOffset) {
    return new AdapterCheckpoint(
        name, inputTopic, inputPartition, inputOffset, session.exportState(), random.state(), List.copyOf(pending),
        pendingSinceMs, replay.pairs(), replay.offered(), ledger, pairsReplayed, counters, heldOut.queryList(),
        heldOut.docList(), publishedVersion, publishedWeights, newestUnpublishedEventMs, stepsAtLastGate);
  }

  @Override
  public void close() {
    session.close();
  }
}
