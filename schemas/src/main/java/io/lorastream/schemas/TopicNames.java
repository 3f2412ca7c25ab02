package io.lorastream.schemas;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Every lorastream topic name: a prefix (default {@code lorastream.}) plus a fixed suffix. Injected
 * wherever a topic is named, so one prefix moves a whole deployment (e.g. per environment on a
 * shared cluster).
 */
public record TopicNames(String prefix) {

  // Declared before DEFAULT: static fields initialise in order.
  private static final Pattern LEGAL = Pattern.compile("[A-Za-z0-9._-]{0,200}");

  public static final String DEFAULT_PREFIX = "lorastream.";
  public static final TopicNames DEFAULT = new TopicNames(DEFAULT_PREFIX);

  public TopicNames {
    if (prefix == null || !LEGAL.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "topic-prefix must be at most 200 chars of letters, digits, '.', '_' and '-', got '"
              + prefix
              + "'");
    }
  }

  /** Compacted; key = doc id; tombstone = delete. */
  public String documents() {
    return prefix + "documents";
  }

  /** Key = impression id. */
  public String searchEvents() {
    return prefix + "search-events";
  }

  /** Key = the impression id they refer to (co-partitioned with search-events). */
  public String interactions() {
    return prefix + "interactions";
  }

  /** Key = tenant + "/" + query. */
  public String relevanceLabels() {
    return prefix + "relevance-labels";
  }

  /** Key = adapter. */
  public String trainingPairs() {
    return prefix + "training-pairs";
  }

  /** Dead letters: original key and value bytes, reason and source in headers. */
  public String deadLetters() {
    return prefix + "dlq";
  }

  /** Compacted; published adapter versions (trainer to servers). */
  public String adapters() {
    return prefix + "adapters";
  }

  /** Compacted; the trainer's full training state per adapter. */
  public String trainerCheckpoints() {
    return prefix + "trainer-checkpoints";
  }

  /** Compacted; operator pins and rollbacks of served adapter versions. */
  public String adapterPins() {
    return prefix + "adapter-pins";
  }

  public List<String> all() {
    return List.of(
        documents(),
        searchEvents(),
        interactions(),
        relevanceLabels(),
        trainingPairs(),
        deadLetters(),
        adapters(),
        trainerCheckpoints(),
        adapterPins());
  }
}
