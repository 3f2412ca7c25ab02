package io.lorastream.trainer.pairs;

import io.lorastream.trainer.TrainerListener;
import io.lorastream.trainer.TrainerMetrics;
import io.lorastream.trainer.step.AdapterTrainer;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the pairs waiting for a step: when an adapter holds {@code max-pending-pairs}, its input
 * partition is paused (the records of the poll not yet taken are fetched again after it resumes),
 * and resumed once the backlog drained to half the bound, or below a step's worth of new pairs so
 * that an adapter that trains only full steps always gets the pairs to fill one. Pending pairs
 * never exceed the bound, however far the consumer lags. Not thread-safe: the trainer's poll thread
 * drives it.
 */
public final class BackPressure {

  private static final Logger LOG = LoggerFactory.getLogger(BackPressure.class);

  private final KafkaConsumer<String, byte[]> consumer;
  private final Map<String, AdapterTrainer> adapters;
  private final int maxPending;
  private final TrainerMetrics metrics;
  private final TrainerListener listener;
  private final Set<TopicPartition> paused = new HashSet<>();

  /**
   * @param adapters the trainer's live adapters (read, never changed here)
   */
  public BackPressure(
      KafkaConsumer<String, byte[]> consumer,
      Map<String, AdapterTrainer> adapters,
      int maxPending,
      TrainerMetrics metrics,
      TrainerListener listener) {
    this.consumer = consumer;
    this.adapters = adapters;
    this.maxPending = maxPending;
    this.metrics = metrics;
    this.listener = listener;
  }

  /**
   * Hands a partition's polled records to {@code route} in order until one of its adapters holds
   * the bound; then seeks back to the first record not taken and pauses the partition.
   */
  public void routeAll(
      TopicPartition tp,
      List<ConsumerRecord<String, byte[]>> records,
      Consumer<ConsumerRecord<String, byte[]>> route) {
    for (ConsumerRecord<String, byte[]> r : records) {
      if (backlog(tp) >= maxPending) {
        consumer.seek(tp, r.offset());
        pause(tp);
        return;
      }
      route.accept(r);
    }
    if (backlog(tp) >= maxPending) {
      pause(tp);
    }
  }

  /** Resumes the paused partitions whose adapters' backlogs drained. */
  public void resumeDrained() {
    Iterator<TopicPartition> it = paused.iterator();
    while (it.hasNext()) {
      TopicPartition tp = it.next();
      boolean drained = true;
      for (AdapterTrainer t : adapters.values()) {
        if (on(t, tp)) {
          drained &=
              t.pendingCount() <= Math.max(maxPending / 2, t.settings().newPairsPerStep() - 1);
        }
      }
      if (drained) {
        it.remove();
        consumer.resume(List.of(tp));
        metrics.backPressure(false, paused.size());
        listener.backPressure(tp.partition(), false, backlog(tp));
      }
    }
  }

  /** Forgets partitions this instance no longer owns (the consumer drops their pause itself). */
  public void forget(java.util.Collection<TopicPartition> parts) {
    paused.removeAll(parts);
  }

  /**
   * Resumes every paused partition, e.g. after a reset to the last commit (the loop pauses again as
   * needed).
   */
  public void resumeAll() {
    consumer.resume(paused);
    paused.clear();
  }

  /** The most pairs any adapter of {@code tp} has waiting. */
  private int backlog(TopicPartition tp) {
    int max = 0;
    for (AdapterTrainer t : adapters.values()) {
      if (on(t, tp)) {
        max = Math.max(max, t.pendingCount());
      }
    }
    return max;
  }

  private void pause(TopicPartition tp) {
    if (paused.add(tp)) {
      consumer.pause(List.of(tp));
      int backlog = backlog(tp);
      metrics.backPressure(true, paused.size());
      listener.backPressure(tp.partition(), true, backlog);
      LOG.debug(
          "{} paused: an adapter holds {} pending pairs (max-pending-pairs {})",
          tp,
          backlog,
          maxPending);
    }
  }

  private static boolean on(AdapterTrainer t, TopicPartition tp) {
    return t.input().equals(tp);
  }
}
