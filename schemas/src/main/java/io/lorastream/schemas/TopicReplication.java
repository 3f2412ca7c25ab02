package io.lorastream.schemas;

import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;

/**
 * How many copies of a topic the cluster keeps, and how many must have a write before a producer
 * with {@code acks=all} (every lorastream producer) gets its acknowledgement. The defaults, 3 and
 * 2, survive the loss of one broker with no write lost or refused. On a cluster with fewer brokers
 * than {@code factor}, {@link TopicAdmin} creates topics with one replica per broker and at most
 * brokers - 1 (at least 1) in sync, so a single development broker works unchanged.
 *
 * @param factor replicas of each partition ({@code replication.factor})
 * @param minInsyncReplicas replicas that must have a write ({@code min.insync.replicas}), 1 to
 *     {@code factor}
 */
public record TopicReplication(short factor, int minInsyncReplicas) {

  /** Three replicas, two in sync: one broker may fail. */
  public static final TopicReplication DEFAULT = new TopicReplication((short) 3, 2);

  public TopicReplication {
    if (factor < 1) {
      throw new IllegalArgumentException("replication-factor must be >= 1, got " + factor);
    }
    if (minInsyncReplicas < 1 || minInsyncReplicas > factor) {
      throw new IllegalArgumentException(
          "min-insync-replicas must be between 1 and replication-factor ("
              + factor
              + "), got "
              + minInsyncReplicas
              + "; 2 with 3 replicas lets one broker fail");
    }
  }

  /** One copy: for throwaway topics of benchmarks on their own in-process broker. */
  public static TopicReplication single() {
    return new TopicReplication((short) 1, 1);
  }

  /** The topic-level settings of this replication: {@code min.insync.replicas}. */
  public Map<String, String> topicConfigs() {
    return Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(minInsyncReplicas));
  }

  /**
   * What a cluster of {@code brokers} can hold: the factor capped at the broker count and, when
   * capped, at most brokers - 1 replicas in sync (at least 1), so that one broker of a small
   * cluster may still fail.
   */
  public TopicReplication cappedTo(int brokers) {
    if (brokers < 1 || brokers >= factor) {
      return this;
    }
    return new TopicReplication(
        (short) brokers, Math.max(1, Math.min(minInsyncReplicas, brokers - 1)));
  }
}
