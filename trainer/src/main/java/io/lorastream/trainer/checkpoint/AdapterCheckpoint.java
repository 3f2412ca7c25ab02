package io.lorastream.trainer.checkpoint;

import io.lorastream.model.lora.AdapterWeights;
import io.lorastream.model.train.TrainingState;
import io.lorastream.trainer.gate.HeldOutSet;
import io.lorastream.trainer.pairs.BufferedPair;
import io.lorastream.trainer.pairs.KnownPositives;
import io.lorastream.trainer.pairs.PairLedger;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything one adapter's trainer needs to continue exactly where a commit left it: written to the
 * compacted checkpoints topic (key = adapter) in the same transaction as the consumed offsets, so
 * after a crash the state and the offsets agree and no pair is lost or trained twice.
 *
 * @param adapter the adapter
 * @param inputTopic the training-pairs topic
 * @param inputPartition the partition the adapter's pairs arrive on
 * @param inputOffset the partition's next offset to read when this was written (informational: the
 *     consumer group's committed offset, written in the same transaction, is what restarts use)
 * @param training adapter weights, AdamW moments and step, seed, loss scale
 * @param randomState the trainer's own generator (replay sampling, shuffling)
 * @param pending pairs consumed but not yet trained, in arrival order
 * @param pendingSinceMs when the oldest pending pair arrived (wall clock), or 0
 * @param replay the replay buffer's pairs, in slot order
 * @param replayOffered pairs ever offered to the replay buffer
 * @param ledger count and multiset hash of the pairs trained (the exactly-once proof)
 * @param pairsReplayed replayed examples trained so far
 * @param counters other counts: held_out, skipped reasons
 * @param heldOutQueries the evaluation set's queries
 * @param pool the evaluation set's documents
 * @param knownPositives the documents known to be relevant to each query, eldest update first
 * @param publishedVersion last published version, 0 before the first
 * @param publishedWeights its weights, or null before the first
 * @param newestUnpublishedEventMs event time of the newest pair trained since the last publication,
 *     or 0
 * @param stepsAtLastGate optimizer step of the last gate decision (the gate runs again only after
 *     more steps)
 * @param averagedWeights the moving average of the trained weights (ema-decay > 0), or null
 */
public record AdapterCheckpoint(
    String adapter,
    String inputTopic,
    int inputPartition,
    long inputOffset,
    TrainingState training,
    long randomState,
    List<BufferedPair> pending,
    long pendingSinceMs,
    List<BufferedPair> replay,
    long replayOffered,
    PairLedger ledger,
    long pairsReplayed,
    SortedMap<String, Long> counters,
    List<HeldOutSet.Query> heldOutQueries,
    List<HeldOutSet.Doc> pool,
    List<KnownPositives.Entry> knownPositives,
    int publishedVersion,
    AdapterWeights publishedWeights,
    long newestUnpublishedEventMs,
    long stepsAtLastGate,
    AdapterWeights averagedWeights) {

  public AdapterCheckpoint {
    Objects.requireNonNull(adapter, "adapter");
    Objects.requireNonNull(inputTopic, "inputTopic");
    Objects.requireNonNull(training, "training");
    pending = List.copyOf(pending);
    replay = List.copyOf(replay);
    Objects.requireNonNull(ledger, "ledger");
    counters =
        java.util.Collections.unmodifiableSortedMap(
            new TreeMap<>(counters == null ? Map.of() : counters));
    heldOutQueries = List.copyOf(heldOutQueries);
    pool = List.copyOf(pool);
    knownPositives = knownPositives == null ? List.of() : List.copyOf(knownPositives);
    if (publishedVersion < 0 || (publishedVersion == 0) != (publishedWeights == null)) {
      throw new IllegalArgumentException(
          "checkpoint of "
              + adapter
              + ": published version "
              + publishedVersion
              + " and published weights "
              + (publishedWeights == null ? "absent" : "present")
              + " disagree");
    }
  }
}
