package io.lorastream.trainer;

import io.lorastream.model.adapter.AdapterKey;
import io.lorastream.schemas.ContractViolation;
import io.lorastream.schemas.DeadLetterReason;
import io.lorastream.schemas.EventCodec;
import io.lorastream.schemas.EventCodecs;
import io.lorastream.schemas.TextLimits;
import io.lorastream.schemas.TrainingPair;
import io.lorastream.trainer.checkpoint.AdapterRecovery;
import io.lorastream.trainer.pairs.BufferedPair;
import io.lorastream.trainer.pairs.PairValidator;
import io.lorastream.trainer.pairs.TrainerDeadLetters;
import io.lorastream.trainer.step.AdapterTrainer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes consumed training-pairs records: a pair goes to its adapter (started on its first pair,
 * from its published version if it has one), which trains on it or holds it out; a record that does
 * not decode or breaks a {@link TrainerLimits} limit becomes a dead letter; a pair this instance
 * will not train (invalid or unconfigured adapter, {@code max-adapters} reached, wrong partition)
 * is skipped and counted. Not thread-safe: the trainer's poll thread drives it.
 */
final class PairRouter {

  private static final Logger LOG = LoggerFactory.getLogger(PairRouter.class);

  private final TrainerSettings settings;
  private final TrainedAdapters adapters;
  private final AdapterRecovery recovery;
  private final TrainerDeadLetters deadLetters;
  private final TrainerMetrics metrics;
  private final EventCodec<TrainingPair> pairCodec =
      EventCodecs.create(TextLimits.DEFAULTS).trainingPairs();

  PairRouter(
      TrainerSettings settings,
      TrainedAdapters adapters,
      AdapterRecovery recovery,
      TrainerDeadLetters deadLetters,
      TrainerMetrics metrics) {
    this.settings = settings;
    this.adapters = adapters;
    this.recovery = recovery;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
  }

  /**
   * Takes a consumed record: a pair for its adapter, or a dead letter when it does not decode or
   * breaks a limit.
   */
  void route(ConsumerRecord<String, byte[]> r) {
    TrainingPair pair;
    try {
      pair = pairCodec.decode(r.value());
    } catch (ContractViolation e) {
      deadLetters.add(r, e.reason(), e.getMessage());
      return;
    } catch (RuntimeException e) {
      deadLetters.add(r, DeadLetterReason.DESERIALIZATION_ERROR, e.toString());
      return;
    }
    PairValidator.Violation violation =
        PairValidator.check(pair, settings.limits(), settings.settingsFor(pair.adapter()));
    if (violation != null) {
      deadLetters.add(r, violation.reason(), violation.message());
      return;
    }
    AdapterTrainer t = adapters.get(pair.adapter());
    if (t == null) {
      t = startAdapter(pair.adapter(), r);
      if (t == null) {
        return;
      }
    }
    if (t.input().partition() != r.partition()) {
      skip("wrong_partition");
      LOG.warn(
          "pair for adapter {} arrived on partition {} but the adapter trains from partition {}: training-pairs must be"
              + " keyed by adapter; skipped",
          t.name(),
          r.partition(),
          t.input().partition());
      return;
    }
    BufferedPair p =
        BufferedPair.of(
            pair, t.settings().maxNegatives(), TrainerLimits.keptTextChars(t.settings()));
    switch (t.offer(
        p,
        pair.shownDocIds(),
        pair.tenant(),
        settings.holdoutFraction(),
        System.currentTimeMillis())) {
      case HELD_OUT -> metrics.heldOut(t.name());
      case NOT_POSITIVE ->
          skip("not_positive"); // a grade 0-1 label trains only the labelled losses
      case TRAINING -> {}
    }
  }

  private AdapterTrainer startAdapter(String name, ConsumerRecord<String, byte[]> r) {
    try {
      AdapterKey.requireValidName(name);
    } catch (IllegalArgumentException e) {
      skip("invalid_adapter");
      return null;
    }
    if (!settings.configured(name) && settings.unknownAdapters() == UnknownAdapters.SKIP) {
      skip("unconfigured_adapter");
      return null;
    }
    if (adapters.size() >= settings.maxAdapters()) {
      skip("adapter_limit");
      LOG.warn(
          "adapter {} skipped: this instance already trains max-adapters = {} adapters",
          name,
          settings.maxAdapters());
      return null;
    }
    AdapterSettings s = settings.settingsFor(name);
    AdapterTrainer t = recovery.start(name, s, r.topic(), r.partition());
    adapters.add(t);
    LOG.info(
        "new adapter {} from {}-{} ({}; mode {}, loss {})",
        name,
        r.topic(),
        r.partition(),
        settings.configured(name) ? "configured" : "adapter-defaults",
        s.mode().configName(),
        s.loss().kind().configName());
    return t;
  }

  private void skip(String reason) {
    metrics.skipped(reason, 1);
  }
}
