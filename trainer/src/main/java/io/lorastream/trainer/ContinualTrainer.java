package io.lorastream.trainer;

import io.lorastream.model.adapter.AdapterKey;
import io.lorastream.model.adapter.AdapterManifest;
import io.lorastream.model.adapter.AdapterSigner;
import io.lorastream.model.adapter.AdapterVerifier;
import io.lorastream.schemas.ContractViolation;
import io.lorastream.schemas.DeadLetterReason;
import io.lorastream.schemas.EventCodec;
import io.lorastream.schemas.EventCodecs;
import io.lorastream.schemas.TextLimits;
import io.lorastream.schemas.TrainingPair;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The continual trainer: consumes training-pairs in a consumer group, trains each owned adapter on
 * micro-batches with replay, and at every commit point (N steps or T seconds) gates candidates on their
 * evaluation set and writes, in one Kafka transaction, the accepted signed versions, every changed
 * adapter's full checkpoint and the consumed offsets. A crash loses only uncommitted work, which is
 * redone from the committed offsets and checkpoints; on assignment each adapter is restored from its
 * last committed checkpoint. Transactional id = instance id, fencing by consumer group metadata
 * (KIP-447). One thread does everything ({@link #run}); {@link #stop} may be called from any thread.
 *
 * <p>Hostile input does not stop the loop: a record that does not decode or breaks a {@link TrainerLimits} limit goes
 * to the dead-letter topic in the transaction that commits its offset; a step with a non-finite loss is skipped; a
 * checkpoint that is not authentic or does not decode is refused and the adapter falls back to an older checkpoint or
 * its newest verified published version. An adapter's pending pairs are bounded: at {@code max_pending_pairs} the
 * consumer pauses its partition until they drain.
 */
public final class ContinualTrainer {

  private static final Logger LOG = LoggerFactory.getLogger(ContinualTrainer.class);
  private static final Duration MAX_POLL_WAIT = Duration.ofMillis(200);

  private final TrainerSettings settings;
  private final TrainerModel model;
  private final AdapterSigner signer;
  private final TrainerMetrics metrics;
  private final TrainerListener listener;
  private final CheckpointMac checkpointMac;
  private final EventCodec<TrainingPair> pairCodec = EventCodecs.create(TextLimits.DEFAULTS).trainingPairs();
  private final Map<String, AdapterTrainer> adapters = new TreeMap<>();
  private final Set<TopicPartition> owned = new HashSet<>();
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile boolean stopRequested;

  private KafkaConsumer<String, byte[]> consumer;
  private KafkaProducer<String, byte[]> producer;
  private CheckpointStore checkpoints;
  private PublishedVersions published;
  private AdapterRecovery recovery;
  private TrainerDeadLetters deadLetters;
  private BackPressure backPressure;
  private AdapterPublisher publisher;
  private QualityGate gate;
  private DocumentFollower documentFollower;
  private long lastCommitNanos;
  private int stepsSinceCommit;
  private boolean uncommitted;

  public ContinualTrainer(
      TrainerSettings settings, TrainerModel model, AdapterSigner signer, MeterRegistry registry, TrainerListener listener) {
    KafkaProps.requireKnown(settings.kafka());
    settings.adapters().forEach((name, a) -> a.trainingSettings(model.fp16())); // precision conflicts fail now
    this.settings = settings;
    this.model = model;
    this.signer = signer;
    this.metrics = new TrainerMetrics(registry);
    this.listener = listener == null ? new TrainerListener() {} : listener;
    this.checkpointMac = CheckpointMac.resolve(settings.checkpointKey(), System::getenv, signer);
  }

  /** Asks {@link #run} to finish its step, commit what it has and return. */
  public void stop() {
    stopRequested = true;
  }

  /** Waits until {@link #run} has returned. */
  public boolean awaitStopped(Duration timeout) throws InterruptedException {
    return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Runs until {@link #stop}; throws when the instance cannot go on (fenced, misconfigured, a record that cannot fit). */
  public void run() {
    try (Admin admin = Admin.create(KafkaProps.admin(settings))) {
      TrainerTopics topics = TrainerTopics.prepare(admin, settings, Duration.ofSeconds(60));
      publisher = new AdapterPublisher(signer, model.baseId(), model.encoder().config(), settings.topics().adapters(),
          topics.adapterPartitions(), topics.adapterMaxBytes(), topics.checkpointMaxBytes());
      gate = new QualityGate(model, publisher, metrics, listener);
      deadLetters = new TrainerDeadLetters(settings.topics().deadLetters(), topics.deadLetterMaxBytes(), metrics);
      producer = new KafkaProducer<>(KafkaProps.producer(settings, settings.maxRecordBytes()));
      producer.initTransactions(); // fences an earlier incarnation and aborts its open transaction
      Duration readWait = settings.transactionTimeout().plusSeconds(30);
      checkpoints = new CheckpointStore(admin, new KafkaConsumer<>(KafkaProps.checkpointReader(settings)),
          settings.topics().trainerCheckpoints(), readWait, checkpointMac, topics.checkpointMaxBytes(),
          settings.limits().checkpointMaxJsonBytes());
      published = new PublishedVersions(new KafkaConsumer<>(KafkaProps.adapterReader(settings)),
          new AdapterVerifier(signer.publicKey(), model.baseId(), model.encoder().config()), settings.topics().adapters(),
          topics.adapterPartitions(), readWait);
      recovery = new AdapterRecovery(settings, model, checkpoints, published, metrics);
      if (settings.followDocuments()) {
        documentFollower = new DocumentFollower(KafkaProps.documentReader(settings), settings.topics().documents(),
            knownCorpora());
        documentFollower.start();
      }
      consumer = new KafkaConsumer<>(KafkaProps.consumer(settings));
      backPressure = new BackPressure(consumer, adapters, settings.limits().maxPendingPairs(), metrics, listener);
      consumer.subscribe(List.of(settings.topics().trainingPairs()), new Rebalance());
      LOG.info("trainer {} consuming {} as group {}; checkpoints authenticated with the key from {}", settings.instanceId(),
          settings.topics().trainingPairs(), settings.groupId(), checkpointMac.origin());
      lastCommitNanos = System.nanoTime();
      while (!stopRequested) {
        ConsumerRecords<String, byte[]> polled = consumer.poll(pollTimeout());
        for (TopicPartition tp : polled.partitions()) {
          backPressure.routeAll(tp, polled.records(tp), this::route);
        }
        trainReady();
        backPressure.resumeDrained();
        if (commitDue()) {
          commit(true, true);
        }
      }
      if (uncommitted) {
        commit(false, false); // a stop keeps the work done so far
      }
      LOG.info("trainer {} stopped", settings.instanceId());
    } finally {
      closeQuietly();
      finished.countDown();
    }
  }

  /** Takes a consumed record: a pair for its adapter, or a dead letter when it does not decode or breaks a limit. */
  private void route(ConsumerRecord<String, byte[]> r) {
    uncommitted = true;
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
    PairValidator.Violation violation = PairValidator.check(pair, settings.limits(), settings.settingsFor(pair.adapter()));
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
    if (t.inputPartition != r.partition()) {
      skip("wrong_partition");
      LOG.warn("pair for adapter {} arrived on partition {} but the adapter trains from partition {}: training-pairs must be"
          + " keyed by adapter; skipped", t.name, r.partition(), t.inputPartition);
      return;
    }
    BufferedPair p = BufferedPair.of(pair, t.settings.maxNegatives(), TrainerLimits.keptTextChars(t.settings));
    switch (t.offer(p, pair.shownDocIds(), pair.tenant(), settings.holdoutFraction(), System.currentTimeMillis())) {
      case HELD_OUT -> metrics.heldOut(t.name);
      case NOT_POSITIVE -> skip("not_positive"); // a grade 0-1 label trains only the labelled losses
      case TRAINING -> { }
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
      LOG.warn("adapter {} skipped: this instance already trains max_adapters = {} adapters", name, settings.maxAdapters());
      return null;
    }
    AdapterSettings s = settings.settingsFor(name);
    AdapterTrainer t = recovery.start(name, s, r.topic(), r.partition());
    adapters.put(name, t);
    LOG.info("new adapter {} from {}-{} ({}; mode {}, loss {})", name, r.topic(), r.partition(),
        settings.configured(name) ? "configured" : "adapter_defaults", s.mode().configName(), s.loss().kind().configName());
    return t;
  }

  private void skip(String reason) {
    metrics.skipped(reason, 1);
  }

  private void trainReady() {
    long maxWait = settings.batchMaxWait().toMillis();
    for (AdapterTrainer t : adapters.values()) {
      if (stopRequested) {
        return;
      }
      long now = System.currentTimeMillis();
      if (t.stepReady(now, maxWait)) {
        long t0 = System.nanoTime();
        AdapterTrainer.Step s = t.step(now);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        stepsSinceCommit++;
        uncommitted = true;
        if (s.result().skipped()) {
          metrics.stepSkipped(t.name, s.newPairs());
        } else {
          metrics.step(t.name, s, (double) s.newPairs() / t.settings.newPairsPerStep(), took);
        }
        listener.stepTaken(t.name, s.result().step(), s.result().loss(), s.newPairs(), s.replayed());
      }
      metrics.pending(t.name, t.pendingCount());
    }
  }

  private Duration pollTimeout() {
    long now = System.currentTimeMillis();
    long maxWait = settings.batchMaxWait().toMillis();
    long wait = MAX_POLL_WAIT.toMillis();
    for (AdapterTrainer t : adapters.values()) {
      if (t.stepReady(now, maxWait)) {
        return Duration.ZERO;
      }
      wait = Math.min(wait, Math.max(0, t.dueAtMs(maxWait) - now));
    }
    if (uncommitted) {
      long sinceCommit = (System.nanoTime() - lastCommitNanos) / 1_000_000;
      wait = Math.min(wait, Math.max(0, settings.commitInterval().toMillis() - sinceCommit));
    }
    return Duration.ofMillis(wait);
  }

  private boolean commitDue() {
    return stepsSinceCommit >= settings.commitEverySteps() || deadLetters.flushDue()
        || (uncommitted && System.nanoTime() - lastCommitNanos >= settings.commitInterval().toNanos());
  }

  /**
   * One transaction: accepted versions (when {@code runGate}), checkpoints of changed adapters, offsets of
   * every owned partition. On failure it aborts and, if {@code resetOnFailure}, returns to the last commit.
   */
  private void commit(boolean runGate, boolean resetOnFailure) {
    long t0 = System.nanoTime();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : owned) {
      offsets.put(tp, new OffsetAndMetadata(consumer.position(tp)));
    }
    List<Publication> publications = new ArrayList<>();
    if (runGate) {
      for (AdapterTrainer t : adapters.values()) {
        Publication p = gate.judge(t, offsets);
        if (p != null) {
          publications.add(p);
        }
      }
    }
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>(deadLetters.drain());
    for (Publication p : publications) {
      AdapterTrainer t = adapters.get(p.manifest().adapter());
      records.addAll(publisher.records(p, settings.keepVersions()));
      t.publishedVersion = p.manifest().version();
      t.publishedWeights = p.weights();
      t.newestUnpublishedEventMs = 0;
      t.publishedMemo = new GateEvaluator.VectorMemo();
      t.dirty = true;
    }
    Map<String, Integer> checkpointBytes = new TreeMap<>();
    for (AdapterTrainer t : adapters.values()) {
      if (t.dirty) {
        long offset = offsets.get(new TopicPartition(t.inputTopic, t.inputPartition)).offset();
        byte[] value = CheckpointCodec.encode(t.checkpoint(offset), checkpointMac, settings.limits().checkpointMaxJsonBytes());
        publisher.requireCheckpointFits(t.name, value, "the checkpoint of adapter " + t.name);
        records.add(new ProducerRecord<>(settings.topics().trainerCheckpoints(), t.inputPartition, t.name, value));
        checkpointBytes.put(t.name, value.length);
      }
    }
    try {
      producer.beginTransaction();
      listener.transactionBegun();
      for (ProducerRecord<String, byte[]> r : records) {
        producer.send(r);
      }
      producer.flush();
      producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
      listener.aboutToCommit();
      producer.commitTransaction();
    } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException | UnsupportedVersionException e) {
      throw new IllegalStateException("trainer " + settings.instanceId() + " cannot continue: " + e.getMessage()
          + " (another instance with the same instance_id took over, or the broker refused the transaction)", e);
    } catch (KafkaException e) {
      LOG.warn("transaction aborted, back to the last commit: {}", e.toString());
      producer.abortTransaction();
      metrics.commit(Duration.ofNanos(System.nanoTime() - t0), false);
      listener.aborted(e);
      if (resetOnFailure) {
        resetToCommitted();
      }
      return;
    }
    for (AdapterTrainer t : adapters.values()) {
      t.dirty = false;
    }
    checkpointBytes.forEach(metrics::checkpoint);
    long now = System.currentTimeMillis();
    List<AdapterManifest> manifests = new ArrayList<>();
    for (Publication p : publications) {
      manifests.add(p.manifest());
      metrics.published(p.manifest().adapter(), p.manifest().version(), p.value().length,
          p.newestEventMs() > 0 ? Duration.ofMillis(now - p.newestEventMs()) : null);
      LOG.info("published {} (step {}, {} pairs, eval {})", p.manifest().key(), p.manifest().steps(), p.manifest().pairsSeen(),
          p.manifest().eval());
    }
    metrics.commit(Duration.ofNanos(System.nanoTime() - t0), true);
    lastCommitNanos = System.nanoTime();
    stepsSinceCommit = 0;
    uncommitted = false;
    listener.committed(manifests, checkpointBytes.size());
  }

  /** Drops uncommitted state and continues from the committed checkpoints and offsets. */
  private void resetToCommitted() {
    adapters.values().forEach(AdapterTrainer::close);
    adapters.clear();
    deadLetters.clear(); // their records are consumed again
    backPressure.resumeAll();
    Set<TopicPartition> parts = Set.copyOf(owned);
    Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(parts);
    for (TopicPartition tp : parts) {
      OffsetAndMetadata o = committed.get(tp);
      if (o == null) {
        consumer.seekToBeginning(List.of(tp));
      } else {
        consumer.seek(tp, o);
      }
      restore(tp);
    }
    uncommitted = false;
    stepsSinceCommit = 0;
  }

  private void restore(TopicPartition tp) {
    for (AdapterTrainer t : recovery.restore(tp)) {
      adapters.put(t.name, t);
      uncommitted |= t.dirty; // a fallback: its next checkpoint replaces the refused record
    }
  }

  private void drop(Collection<TopicPartition> parts) {
    Iterator<AdapterTrainer> it = adapters.values().iterator();
    while (it.hasNext()) {
      AdapterTrainer t = it.next();
      if (parts.contains(new TopicPartition(t.inputTopic, t.inputPartition))) {
        t.close();
        it.remove();
      }
    }
    owned.removeAll(parts);
    backPressure.forget(parts);
  }

  /** Commits before giving partitions up; restores checkpoints of new ones. Runs inside poll(), on the trainer thread. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> parts) {
      if (!parts.isEmpty() && uncommitted) {
        commit(false, false);
      }
      drop(parts);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> parts) {
      drop(parts);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> parts) {
      for (TopicPartition tp : parts) {
        owned.add(tp);
        consumer.position(tp); // with read_committed this waits for the previous owner's offsets to be stable
        restore(tp);
      }
      LOG.info("assigned {}; training {} adapter(s)", parts, adapters.size());
    }
  }

  /** The known corpus of every max length the configured adapters use (unknown adapters take the defaults'). */
  private List<KnownCorpus> knownCorpora() {
    java.util.SortedSet<Integer> lengths = new java.util.TreeSet<>();
    lengths.add(settings.adapterDefaults().maxSeqLength());
    settings.adapters().values().forEach(a -> lengths.add(a.maxSeqLength()));
    return lengths.stream().map(model::corpus).toList();
  }

  private void closeQuietly() {
    adapters.values().forEach(AdapterTrainer::close);
    adapters.clear();
    for (AutoCloseable c : new AutoCloseable[] {documentFollower, consumer, producer, checkpoints, published}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          LOG.warn("closing {}: {}", c.getClass().getSimpleName(), e.toString());
        }
      }
    }
  }
}
