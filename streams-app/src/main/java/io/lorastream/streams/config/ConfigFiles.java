package io.lorastream.streams.config;

import io.lorastream.schemas.JsonLimits;
import io.lorastream.schemas.TextLimits;
import io.lorastream.schemas.TopicNames;
import io.lorastream.service.Booleans;
import io.lorastream.service.Durations;
import io.lorastream.service.Settings;
import io.lorastream.service.SettingsFile;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@link FeedbackStreamsConfig} from flat keys with the services' one reader ({@link
 * SettingsFile}, {@link Settings}): YAML nesting is flattened with dots ({@code kafka: {linger.ms:
 * 5}} is {@code kafka.linger.ms}), durations are {@link Durations}, booleans {@link Booleans}; an
 * unknown key fails naming the nearest known one.
 *
 * <pre>
 * key                   default               meaning
 * topic-prefix          lorastream.           prefix of every topic name
 * max-query-chars       1024                  longer queries are dead-lettered (text_too_long)
 * max-document-chars    100000                longer title + text is dead-lettered
 * max-json-depth        64                    deeper nesting: unparseable_json (as every JSON limit)
 * max-json-number-chars 100                   longer numbers
 * max-json-string-chars 1048576               longer strings (at least the two text limits)
 * max-json-name-chars   1024                  longer field names
 * max-json-tokens       100000                more tokens in one value
 * max-json-bytes        8388608               larger values
 * max-interactions-per-impression 1000        more interactions on one impression: impression_full
 * max-impression-bytes  1048576               more bytes of interactions kept for one impression: impression_full
 * window                30m                   impression window: interactions within it join their impression
 * grace                 1m                    how late an event may arrive (event time) and still count
 * close-check-interval  1s                    how often closes and document retries are checked
 * idle-close-after      60s                   no record for this long: stream time follows the wall clock (0 = never)
 * max-clock-skew        1h                    events further ahead of the wall clock are dead-lettered
 * dwell-threshold       10s                   a click with at least this dwell is a positive
 * max-negatives         4                     k, hard negatives per pair
 * click-weight          1.0                   weight of click pairs
 * thumbs-up-weight      1.0                   weight of thumbs-up pairs
 * label-weight          1.0                   weight of label pairs
 * document-wait         2m                    wait for an unknown document before dead-lettering (unknown_document)
 * dedupe-retention      7d                    how long label event ids are remembered
 * default-adapter       (the tenant)          adapter of tenants without a route
 * tenant-adapters.T     -                     adapter of tenant T
 * metrics-max-adapters  20                    adapters with their own metric tag; the rest are "other"
 * application-id        lorastream-streams    Kafka Streams application.id
 * num-stream-threads    1
 * commit-interval       100ms                 exactly-once transaction commit interval
 * cache-max-bytes       10485760              record cache
 * state-dir             $TMPDIR/lorastream-streams
 * partitions            3                     partitions of topics the app creates
 * replication-factor    3                     replicas of topics the app creates (capped at the broker count)
 * min-insync-replicas   2                     min.insync.replicas of topics the app creates
 * create-topics         true                  create missing topics at start
 * metrics-port          9410                  /metrics port (0 = any free port)
 * max-task-idle         1s                    wait for an empty input partition (keeps topics in event-time order)
 * impression-store-type in-memory             open impressions (window-bounded state): in-memory or rocksdb
 * label-store-type      rocksdb               label dedupe ids and grade-0 docs per query: rocksdb or in-memory
 * max-thread-replacements 3                   failed stream threads replaced per window, by way of failing
 * thread-replacement-window 10m               past the replacements within it, the app stops and exits non-zero
 * thread-recovery-timeout 10m                 a replaced thread not back to RUNNING by then: the app stops too
 * kafka.NAME            -                     any Kafka Streams / client property (security included), applied last
 * </pre>
 */
public final class ConfigFiles {

  private ConfigFiles() {}

  /** Reads a {@code .properties}, {@code .yaml} or {@code .yml} file. */
  public static FeedbackStreamsConfig load(Path file) {
    return SettingsFile.load(file, Map.of(), ConfigFiles::parse);
  }

  /** Builds the config from flat keys; absent keys take their defaults. */
  public static FeedbackStreamsConfig fromMap(Map<String, String> input) {
    return parse(Settings.of(input));
  }

  /**
   * Every key the reader asks for; a prefix read as a map ({@code kafka.}, {@code
   * tenant-adapters.}) as {@code prefix*}. For the test that keeps docs/configuration.md in step
   * with the code.
   */
  static Set<String> keysRead() {
    Settings keys = Settings.of(Map.of());
    parse(keys);
    return keys.asked();
  }

  private static FeedbackStreamsConfig parse(Settings keys) {
    FeedbackStreamsConfig d = FeedbackStreamsConfig.DEFAULTS;
    TopicNames topics = new TopicNames(keys.get("topic-prefix", d.topics().prefix(), s -> s));
    TextLimits limits =
        new TextLimits(
            keys.get("max-query-chars", d.limits().maxQueryChars(), Integer::parseInt),
            keys.get("max-document-chars", d.limits().maxDocumentChars(), Integer::parseInt));
    JsonLimits j = d.jsonLimits();
    JsonLimits json =
        new JsonLimits(
            keys.get("max-json-depth", j.maxDepth(), Integer::parseInt),
            keys.get("max-json-number-chars", j.maxNumberChars(), Integer::parseInt),
            keys.get("max-json-string-chars", j.maxStringChars(), Integer::parseInt),
            keys.get("max-json-name-chars", j.maxNameChars(), Integer::parseInt),
            keys.get("max-json-tokens", j.maxTokens(), Long::parseLong),
            keys.get("max-json-bytes", j.maxBytes(), Integer::parseInt));
    ImpressionLimits il = d.impressionLimits();
    ImpressionLimits impressionLimits =
        new ImpressionLimits(
            keys.get("max-interactions-per-impression", il.maxInteractions(), Integer::parseInt),
            keys.get("max-impression-bytes", il.maxBytes(), Long::parseLong));
    ImpressionWindow w = d.window();
    ImpressionWindow window =
        new ImpressionWindow(
            keys.get("window", w.size(), Durations::parse),
            keys.get("grace", w.grace(), Durations::parse),
            keys.get("close-check-interval", w.closeCheckInterval(), Durations::parse),
            keys.get("idle-close-after", w.idleCloseAfter(), Durations::parse),
            keys.get("max-clock-skew", w.maxClockSkew(), Durations::parse));
    PairRules r = d.rules();
    PairRules rules =
        new PairRules(
            keys.get("dwell-threshold", r.dwellThreshold(), Durations::parse),
            keys.get("max-negatives", r.maxNegatives(), Integer::parseInt),
            keys.get("click-weight", r.clickWeight(), Double::parseDouble),
            keys.get("thumbs-up-weight", r.thumbsUpWeight(), Double::parseDouble),
            keys.get("label-weight", r.labelWeight(), Double::parseDouble),
            keys.get("document-wait", r.documentWait(), Durations::parse),
            keys.get("dedupe-retention", r.dedupeRetention(), Durations::parse));
    AdapterRouting routing =
        new AdapterRouting(
            keys.get("default-adapter", d.routing().defaultAdapter(), s -> s),
            keys.withPrefix("tenant-adapters."),
            keys.get("metrics-max-adapters", d.routing().metricsMaxAdapters(), Integer::parseInt));
    StreamsRuntime rt = d.runtime();
    StreamsRuntime runtime =
        new StreamsRuntime(
            keys.get("application-id", rt.applicationId(), s -> s),
            keys.get("num-stream-threads", rt.numStreamThreads(), Integer::parseInt),
            keys.get("commit-interval", rt.commitInterval(), Durations::parse),
            keys.get("cache-max-bytes", rt.cacheMaxBytes(), Long::parseLong),
            keys.get("state-dir", rt.stateDir(), Path::of),
            keys.get("partitions", rt.partitions(), Integer::parseInt),
            keys.get("replication-factor", rt.replicationFactor(), Short::parseShort),
            keys.get("min-insync-replicas", rt.minInsyncReplicas(), Integer::parseInt),
            keys.get("create-topics", rt.createTopics(), Booleans::parse),
            keys.get("metrics-port", rt.metricsPort(), Integer::parseInt),
            keys.get("max-task-idle", rt.maxTaskIdle(), Durations::parse),
            keys.get("impression-store-type", rt.impressionStoreType(), StoreType::fromConfigName),
            keys.get("label-store-type", rt.labelStoreType(), StoreType::fromConfigName),
            keys.withPrefix("kafka."));
    ThreadReplacement tr = d.threadReplacement();
    ThreadReplacement threads =
        new ThreadReplacement(
            keys.get("max-thread-replacements", tr.maxReplacements(), Integer::parseInt),
            keys.get("thread-replacement-window", tr.window(), Durations::parse),
            keys.get("thread-recovery-timeout", tr.recoveryTimeout(), Durations::parse));
    keys.failOnUnknown();
    return new FeedbackStreamsConfig(
        topics, limits, json, impressionLimits, window, rules, routing, runtime, threads);
  }
}
