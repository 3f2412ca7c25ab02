package io.lorastream.trainer;

import io.lorastream.model.adapter.AdapterSigner;
import io.lorastream.model.adapter.AdapterVerifier;
import io.lorastream.trainer.checkpoint.AdapterRecovery;
import io.lorastream.trainer.checkpoint.CheckpointMac;
import io.lorastream.trainer.checkpoint.CheckpointStore;
import io.lorastream.trainer.gate.DocumentFollower;
import io.lorastream.trainer.gate.KnownCorpus;
import io.lorastream.trainer.gate.QualityGate;
import io.lorastream.trainer.pairs.BackPressure;
import io.lorastream.trainer.pairs.TrainerDeadLetters;
import io.lorastream.trainer.publish.AdapterPublisher;
import io.lorastream.trainer.publish.Publication;
import io.lorastream.trainer.publish.PublishedVersions;
import io.lorastream.trainer.step.AdapterTrainer;
import io.lorastream.trainer.step.TrainerModel;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The continual trainer: consumes training-pairs in a consumer group, trains each owned adapter on
 * micro-batches with replay, and at every commit point (N steps or T seconds) gates candidates on
 * their evaluation set and writes, in one Kafka transaction, the accepted signed versions, every
 * changed adapter's full checkpoint and the consumed offsets. A crash loses only uncommitted work,
 * which is redone from the committed offsets and checkpoints; on assignment each adapter is
 * restored from its last committed checkpoint. Transactional id = instance id, fencing by consumer
 * group metadata (KIP-447). One thread does everything ({@link #run}); {@link #stop} may be called
 * from any thread.
 *
 * <p>Hostile input does not stop the loop: a record that does not decode or breaks a {@link
 * TrainerLimits} limit goes to the dead-letter topic in the transaction that commits its offset; a
 * step with a non-finite loss is skipped; a checkpoint that is not authentic or does not decode is
 * refused and the adapter falls back to an older checkpoint or its newest verified published
 * version. An adapter's pending pairs are bounded: at {@code max-pending-pairs} the consumer pauses
 * its partition until they drain.
 */
public final class ContinualTrainer {

  private static final Logger LOG = LoggerFactory.getLogger(ContinualTrainer.class);

  private final TrainerSettings settings;
  private final TrainerModel model;
  private final AdapterSigner signer;
  private final TrainerMetrics metrics;
  private final TrainerListener listener;
  private final CheckpointMac checkpointMac;
  private final TrainedAdapters adapters = new TrainedAdapters();
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile boolean stopRequested;

  private KafkaConsumer<String, byte[]> consumer;
  private TransactionalCommit transaction;
  private CheckpointStore checkpoints;
  private PublishedVersions published;
  private TrainerDeadLetters deadLetters;
  private BackPressure backPressure;
  private QualityGate gate;
  private DocumentFollower documentFollower;
  private PairRouter router;
  private StepScheduler scheduler;
  private PartitionAssignment assignment;

  public ContinualTrainer(
      TrainerSettings settings,
      TrainerModel model,
      AdapterSigner signer,
      MeterRegistry registry,
      TrainerListener listener) {
    KafkaProps.requireKnown(settings.kafka());
    settings
        .adapters()
        .forEach((name, a) -> a.trainingSettings(model.fp16())); // precision conflicts fail now
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

  /**
   * Runs until {@link #stop}; throws when the instance cannot go on (fenced, misconfigured, a
   * record that cannot fit).
   */
  public void run() {
    try (Admin admin = Admin.create(KafkaProps.admin(settings))) {
      open(admin);
      LOG.info(
          "trainer {} consuming {} as group {}; checkpoints authenticated with the key from {}",
          settings.instanceId(),
          settings.topics().trainingPairs(),
          settings.groupId(),
          checkpointMac.origin());
      while (!stopRequested) {
        ConsumerRecords<String, byte[]> polled = consumer.poll(scheduler.pollTimeout());
        for (TopicPartition tp : polled.partitions()) {
          backPressure.routeAll(tp, polled.records(tp), this::route);
        }
        scheduler.trainReady(() -> stopRequested);
        backPressure.resumeDrained();
        if (scheduler.commitDue(deadLetters.flushDue())) {
          commit(true, true);
        }
      }
      if (scheduler.uncommitted()) {
        commit(false, false); // a stop keeps the work done so far
      }
      LOG.info("trainer {} stopped", settings.instanceId());
    } finally {
      closeQuietly();
      finished.countDown();
    }
  }

  /**
   * Prepares the topics, opens the transaction, the checkpoint and version readers, and subscribes.
   */
  private void open(Admin admin) {
    TrainerTopics topics = TrainerTopics.prepare(admin, settings, Duration.ofSeconds(60));
    AdapterPublisher publisher =
        new AdapterPublisher(
            signer,
            model.baseId(),
            model.encoder().config(),
            settings.topics().adapters(),
            topics.adapterPartitions(),
            topics.adapterMaxBytes(),
            topics.checkpointMaxBytes());
    gate = new QualityGate(model, publisher, metrics, listener);
    deadLetters =
        new TrainerDeadLetters(
            settings.topics().deadLetters(), topics.deadLetterMaxBytes(), metrics);
    transaction =
        new TransactionalCommit(settings, publisher, deadLetters, checkpointMac, metrics, listener);
    Duration readWait = settings.transactionTimeout().plusSeconds(30);
    checkpoints =
        new CheckpointStore(
            admin,
            new KafkaConsumer<>(KafkaProps.checkpointReader(settings)),
            settings.topics().trainerCheckpoints(),
            readWait,
            checkpointMac,
            topics.checkpointMaxBytes(),
            settings.limits().checkpointMaxJsonBytes());
    published =
        new PublishedVersions(
            new KafkaConsumer<>(KafkaProps.adapterReader(settings)),
            new AdapterVerifier(signer.publicKey(), model.baseId(), model.encoder().config()),
            settings.topics().adapters(),
            topics.adapterPartitions(),
            readWait);
    AdapterRecovery recovery =
        new AdapterRecovery(settings, model, checkpoints, published, metrics);
    if (settings.followDocuments()) {
      documentFollower =
          new DocumentFollower(
              KafkaProps.documentReader(settings), settings.topics().documents(), knownCorpora());
      documentFollower.start();
    }
    consumer = new KafkaConsumer<>(KafkaProps.consumer(settings));
    backPressure =
        new BackPressure(
            consumer, adapters.view(), settings.limits().maxPendingPairs(), metrics, listener);
    router = new PairRouter(settings, adapters, recovery, deadLetters, metrics);
    scheduler = new StepScheduler(settings, adapters, metrics, listener);
    assignment =
        new PartitionAssignment(
            consumer, adapters, recovery, backPressure, scheduler, () -> commit(false, false));
    consumer.subscribe(List.of(settings.topics().trainingPairs()), assignment);
  }

  private void route(ConsumerRecord<String, byte[]> r) {
    scheduler.changed();
    router.route(r);
  }

  /**
   * A commit point: the gate judges every adapter's candidate (when {@code runGate}), then one
   * transaction writes the accepted versions, the checkpoints of changed adapters and the offsets
   * of every owned partition. When it aborts and {@code resetOnFailure}, the trainer goes back to
   * the last commit.
   */
  private void commit(boolean runGate, boolean resetOnFailure) {
    long t0 = System.nanoTime();
    Map<TopicPartition, OffsetAndMetadata> offsets = assignment.positions();
    List<Publication> publications = new ArrayList<>();
    if (runGate) {
      for (AdapterTrainer t : adapters.all()) {
        Publication p = gate.judge(t, offsets);
        if (p != null) {
          publications.add(p);
        }
      }
    }
    if (transaction.commit(adapters, publications, offsets, consumer.groupMetadata(), t0)) {
      scheduler.committed();
    } else if (resetOnFailure) {
      resetToCommitted();
    }
  }

  /** Drops uncommitted state and continues from the committed checkpoints and offsets. */
  private void resetToCommitted() {
    adapters.closeAll();
    deadLetters.clear(); // their records are consumed again
    backPressure.resumeAll();
    assignment.rewind();
    scheduler.reset();
  }

  /**
   * The known corpus of every max length the configured adapters use (unknown adapters take the
   * defaults').
   */
  private List<KnownCorpus> knownCorpora() {
    SortedSet<Integer> lengths = new TreeSet<>();
    lengths.add(settings.adapterDefaults().maxSeqLength());
    settings.adapters().values().forEach(a -> lengths.add(a.maxSeqLength()));
    return lengths.stream().map(model::corpus).toList();
  }

  private void closeQuietly() {
    adapters.closeAll();
    for (AutoCloseable c :
        new AutoCloseable[] {documentFollower, consumer, transaction, checkpoints, published}) {
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
