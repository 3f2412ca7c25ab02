package io.lorastream.trainer;

import io.lorastream.trainer.checkpoint.AdapterRecovery;
import io.lorastream.trainer.pairs.BackPressure;
import io.lorastream.trainer.step.AdapterTrainer;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training-pairs partitions this instance owns. On assignment it restores each partition's
 * adapters from their last committed checkpoints; before giving partitions up it commits what it
 * has ({@code commitBeforeRevoke}) and drops their adapters. It also rewinds owned partitions to
 * their committed offsets after an aborted transaction. The rebalance callbacks run inside poll(),
 * on the trainer's thread.
 */
final class PartitionAssignment implements ConsumerRebalanceListener {

  private static final Logger LOG = LoggerFactory.getLogger(PartitionAssignment.class);

  private final KafkaConsumer<String, byte[]> consumer;
  private final TrainedAdapters adapters;
  private final AdapterRecovery recovery;
  private final BackPressure backPressure;
  private final StepScheduler scheduler;
  private final Runnable commitBeforeRevoke;
  private final Set<TopicPartition> owned = new HashSet<>();

  /**
   * @param commitBeforeRevoke commits the uncommitted work, without running the gate
   */
  PartitionAssignment(
      KafkaConsumer<String, byte[]> consumer,
      TrainedAdapters adapters,
      AdapterRecovery recovery,
      BackPressure backPressure,
      StepScheduler scheduler,
      Runnable commitBeforeRevoke) {
    this.consumer = consumer;
    this.adapters = adapters;
    this.recovery = recovery;
    this.backPressure = backPressure;
    this.scheduler = scheduler;
    this.commitBeforeRevoke = commitBeforeRevoke;
  }

  /** The consumer's position on every owned partition: the offsets a commit point writes. */
  Map<TopicPartition, OffsetAndMetadata> positions() {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : owned) {
      offsets.put(tp, new OffsetAndMetadata(consumer.position(tp)));
    }
    return offsets;
  }

  /**
   * Seeks every owned partition back to its committed offset and restores its adapters from their
   * checkpoints.
   */
  void rewind() {
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
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> parts) {
    if (!parts.isEmpty() && scheduler.uncommitted()) {
      commitBeforeRevoke.run();
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
      consumer.position(
          tp); // with read_committed this waits for the previous owner's offsets to be stable
      restore(tp);
    }
    LOG.info("assigned {}; training {} adapter(s)", parts, adapters.size());
  }

  private void restore(TopicPartition tp) {
    for (AdapterTrainer t : recovery.restore(tp)) {
      adapters.add(t);
      if (t.checkpointDue()) {
        scheduler.changed(); // a fallback: its next checkpoint replaces the refused record
      }
    }
  }

  private void drop(Collection<TopicPartition> parts) {
    adapters.drop(parts);
    owned.removeAll(parts);
    backPressure.forget(parts);
  }
}
