package io.lorastream.trainer;

import io.lorastream.model.adapter.AdapterManifest;
import io.lorastream.trainer.checkpoint.CheckpointCodec;
import io.lorastream.trainer.checkpoint.CheckpointMac;
import io.lorastream.trainer.pairs.TrainerDeadLetters;
import io.lorastream.trainer.publish.AdapterPublisher;
import io.lorastream.trainer.publish.Publication;
import io.lorastream.trainer.step.AdapterTrainer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
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
 * The Kafka transaction of a commit point: the dead letters waiting, the accepted signed versions
 * (with the tombstones of versions that fall out of {@code keep-versions}), the full checkpoint of
 * every changed adapter and the consumed offsets, all or nothing. The producer's transactional id
 * is the instance id: opening it fences an earlier incarnation and aborts its open transaction;
 * being fenced in turn (or refused by the broker) ends the instance. Not thread-safe: the trainer's
 * poll thread drives it.
 */
final class TransactionalCommit implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TransactionalCommit.class);

  private final TrainerSettings settings;
  private final AdapterPublisher publisher;
  private final TrainerDeadLetters deadLetters;
  private final CheckpointMac checkpointMac;
  private final TrainerMetrics metrics;
  private final TrainerListener listener;
  private final KafkaProducer<String, byte[]> producer;

  /**
   * Opens the transactional producer, which fences an earlier incarnation and aborts its open
   * transaction.
   */
  TransactionalCommit(
      TrainerSettings settings,
      AdapterPublisher publisher,
      TrainerDeadLetters deadLetters,
      CheckpointMac checkpointMac,
      TrainerMetrics metrics,
      TrainerListener listener) {
    this.settings = settings;
    this.publisher = publisher;
    this.deadLetters = deadLetters;
    this.checkpointMac = checkpointMac;
    this.metrics = metrics;
    this.listener = listener;
    this.producer = new KafkaProducer<>(KafkaProps.producer(settings, settings.maxRecordBytes()));
    try {
      producer.initTransactions();
    } catch (RuntimeException e) {
      producer.close();
      throw e;
    }
  }

  /**
   * One transaction: the waiting dead letters, the records of {@code publications} (each adapter
   * takes its version as published before its checkpoint is written), the checkpoints of the
   * adapters that changed, and {@code offsets} for the consumer group. On a failure the broker may
   * recover from, it aborts and returns false; the caller decides whether to go back to the last
   * commit.
   *
   * @param startedNanos when the commit point began (the gate runs before), for the commit duration
   * @return true when committed
   * @throws IllegalStateException when the instance cannot go on: fenced by another with the same
   *     instance id, or the broker refused the transaction
   */
  boolean commit(
      TrainedAdapters adapters,
      List<Publication> publications,
      Map<TopicPartition, OffsetAndMetadata> offsets,
      ConsumerGroupMetadata group,
      long startedNanos) {
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>(deadLetters.drain());
    for (Publication p : publications) {
      records.addAll(publisher.records(p, settings.keepVersions()));
      adapters.get(p.manifest().adapter()).published(p.manifest().version(), p.weights());
    }
    Map<String, Integer> checkpointBytes = new TreeMap<>();
    for (AdapterTrainer t : adapters.all()) {
      if (t.checkpointDue()) {
        long offset = offsets.get(t.input()).offset();
        byte[] value =
            CheckpointCodec.encode(
                t.checkpoint(offset), checkpointMac, settings.limits().checkpointMaxJsonBytes());
        publisher.requireCheckpointFits(t.name(), value, "the checkpoint of adapter " + t.name());
        records.add(
            new ProducerRecord<>(
                settings.topics().trainerCheckpoints(), t.input().partition(), t.name(), value));
        checkpointBytes.put(t.name(), value.length);
      }
    }
    try {
      producer.beginTransaction();
      listener.transactionBegun();
      for (ProducerRecord<String, byte[]> r : records) {
        producer.send(r);
      }
      producer.flush();
      producer.sendOffsetsToTransaction(offsets, group);
      listener.aboutToCommit();
      producer.commitTransaction();
    } catch (ProducerFencedException
        | OutOfOrderSequenceException
        | AuthorizationException
        | UnsupportedVersionException e) {
      throw new IllegalStateException(
          "trainer "
              + settings.instanceId()
              + " cannot continue: "
              + e.getMessage()
              + " (another instance with the same instance-id took over, or the broker refused the transaction)",
          e);
    } catch (KafkaException e) {
      LOG.warn("transaction aborted, back to the last commit: {}", e.toString());
      producer.abortTransaction();
      metrics.commit(Duration.ofNanos(System.nanoTime() - startedNanos), false);
      listener.aborted(e);
      return false;
    }
    adapters.all().forEach(AdapterTrainer::checkpointCommitted);
    checkpointBytes.forEach(metrics::checkpoint);
    long now = System.currentTimeMillis();
    List<AdapterManifest> manifests = new ArrayList<>();
    for (Publication p : publications) {
      manifests.add(p.manifest());
      metrics.published(
          p.manifest().adapter(),
          p.manifest().version(),
          p.value().length,
          p.newestEventMs() > 0 ? Duration.ofMillis(now - p.newestEventMs()) : null);
      LOG.info(
          "published {} (step {}, {} pairs, eval {})",
          p.manifest().key(),
          p.manifest().steps(),
          p.manifest().pairsSeen(),
          p.manifest().eval());
    }
    metrics.commit(Duration.ofNanos(System.nanoTime() - startedNanos), true);
    listener.committed(manifests, checkpointBytes.size());
    return true;
  }

  @Override
  public void close() {
    producer.close();
  }
}
