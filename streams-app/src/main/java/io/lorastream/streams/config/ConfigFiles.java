package io.lorastream.streams.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.lorastream.schemas.JsonLimits;
import io.lorastream.schemas.TextLimits;
import io.lorastream.schemas.TopicNames;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@link FeedbackStreamsConfig} from flat keys. YAML nesting is flattened with dots ({@code kafka: {linger.ms: 5}}
 * is {@code kafka.linger.ms}). Durations are {@code 500ms}, {@code 10s}, {@code 30m}, {@code 2h}, {@code 7d} or ISO-8601
 * ({@code PT30M}). An unknown key fails, naming it.
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
  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  private ConfigFiles() {}

  /** Reads a {@code .properties}, {@code .yaml} or {@code .yml} file. */
  public static FeedbackStreamsConfig load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("config file " + file + " does not exist or is not a file");
    }
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    Map<String, String> flat = new LinkedHashMap<>();
    try (Reader reader = Files.newBufferedReader(file)) {
      if (name.endsWith(".yaml") || name.endsWith(".yml")) {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(reader);
        if (root != null && !root.isNull()) {
          if (!root.isObject()) {
            throw new IllegalArgumentException("config file " + file + " must hold a YAML mapping of keys");
          }
          flatten("", root, flat);
        }
      } else if (name.endsWith(".properties")) {
        Properties props = new Properties();
        props.load(reader);
        props.stringPropertyNames().forEach(k -> flat.put(k, props.getProperty(k).strip()));
      } else {
        throw new IllegalArgumentException(
            "config file " + file + " must end in .properties, .yaml or .yml");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage(), e);
    }
    try {
      return fromMap(flat);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("config file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Builds the config from flat keys; absent keys take their defaults. */
  public static FeedbackStreamsConfig fromMap(Map<String, String> input) {
    return parse(new Keys(input));
  }

  /**
   * Every key the reader asks for; a prefix read as a map ({@code kafka.}, {@code tenant-adapters.}) as
   * {@code prefix*}. For the test that keeps docs/configuration.md in step with the code.
   */
  static java.util.Set<String> keysRead() {
    Keys keys = new Keys(Map.of());
    parse(keys);
    return java.util.Collections.unmodifiableSet(keys.asked);
  }

  private static FeedbackStreamsConfig parse(Keys keys) {
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
            keys.get("window", w.size(), ConfigFiles::duration),
            keys.get("grace", w.grace(), ConfigFiles::duration),
            keys.get("close-check-interval", w.closeCheckInterval(), ConfigFiles::duration),
            keys.get("idle-close-after", w.idleCloseAfter(), ConfigFiles::duration),
            keys.get("max-clock-skew", w.maxClockSkew(), ConfigFiles::duration));
    PairRules r = d.rules();
    PairRules rules =
        new PairRules(
            keys.get("dwell-threshold", r.dwellThreshold(), ConfigFiles::duration),
            keys.get("max-negatives", r.maxNegatives(), Integer::parseInt),
            keys.get("click-weight", r.clickWeight(), Double::parseDouble),
            keys.get("thumbs-up-weight", r.thumbsUpWeight(), Double::parseDouble),
            keys.get("label-weight", r.labelWeight(), Double::parseDouble),
            keys.get("document-wait", r.documentWait(), ConfigFiles::duration),
            keys.get("dedupe-retention", r.dedupeRetention(), ConfigFiles::duration));
    AdapterRouting routing =
        new AdapterRouting(
            keys.get("default-adapter", d.routing().defaultAdapter(), s -> s.isBlank() ? null : s),
            keys.withPrefix("tenant-adapters."),
            keys.get("metrics-max-adapters", d.routing().metricsMaxAdapters(), Integer::parseInt));
    StreamsRuntime rt = d.runtime();
    StreamsRuntime runtime =
        new StreamsRuntime(
            keys.get("application-id", rt.applicationId(), s -> s),
            keys.get("num-stream-threads", rt.numStreamThreads(), Integer::parseInt),
            keys.get("commit-interval", rt.commitInterval(), ConfigFiles::duration),
            keys.get("cache-max-bytes", rt.cacheMaxBytes(), Long::parseLong),
            keys.get("state-dir", rt.stateDir(), Path::of),
            keys.get("partitions", rt.partitions(), Integer::parseInt),
            keys.get("replication-factor", rt.replicationFactor(), Short::parseShort),
            keys.get("min-insync-replicas", rt.minInsyncReplicas(), Integer::parseInt),
            keys.get("create-topics", rt.createTopics(), ConfigFiles::bool),
            keys.get("metrics-port", rt.metricsPort(), Integer::parseInt),
            keys.get("max-task-idle", rt.maxTaskIdle(), ConfigFiles::duration),
            keys.get("impression-store-type", rt.impressionStoreType(), StoreType::fromConfigName),
            keys.get("label-store-type", rt.labelStoreType(), StoreType::fromConfigName),
            keys.withPrefix("kafka."));
    ThreadReplacement tr = d.threadReplacement();
    ThreadReplacement threads =
        new ThreadReplacement(
            keys.get("max-thread-replacements", tr.maxReplacements(), Integer::parseInt),
            keys.get("thread-replacement-window", tr.window(), ConfigFiles::duration),
            keys.get("thread-recovery-timeout", tr.recoveryTimeout(), ConfigFiles::duration));
    keys.failOnUnused();
    return new FeedbackStreamsConfig(
        topics, limits, json, impressionLimits, window, rules, routing, runtime, threads);
  }

  /** Parses {@code 500ms}, {@code 10s}, {@code 30m}, {@code 2h}, {@code 7d}, {@code 0} or ISO-8601 {@code PT30M}. */
  public static Duration duration(String text) {
    String s = text.strip().toLowerCase(Locale.ROOT);
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = SHORT_DURATION.matcher(s);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    try {
      return Duration.parse(text.strip());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration; write e.g. 500ms, 10s, 30m, 2h, 7d or PT30M");
    }
  }

  private static boolean bool(String s) {
    return switch (s.strip().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw new IllegalArgumentException("'" + s + "' is not true or false");
    };
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
    if (node.isObject()) {
      node.fields().forEachRemaining(e -> flatten(prefix + e.getKey() + (e.getValue().isObject() ? "." : ""), e.getValue(), out));
    } else if (!node.isNull()) {
      out.put(prefix, node.asText());
    }
  }

  /** Tracks which keys were read so that a typo fails instead of being ignored. */
  private static final class Keys {
    private final Map<String, String> values;
    private final Map<String, Boolean> used = new TreeMap<>();
    private final java.util.Set<String> asked = new java.util.TreeSet<>();

    Keys(Map<String, String> values) {
      this.values = values;
      values.keySet().forEach(k -> used.put(k, false));
    }

    <T> T get(String key, T fallback, Function<String, T> parse) {
      asked.add(key);
      String raw = values.get(key);
      if (raw == null) {
        return fallback;
      }
      used.put(key, true);
      try {
        return parse.apply(raw.strip());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("setting " + key + "='" + raw + "' is invalid: " + e.getMessage(), e);
      }
    }

    Map<String, String> withPrefix(String prefix) {
      asked.add(prefix + "*");
      Map<String, String> out = new TreeMap<>();
      values.forEach(
          (k, v) -> {
            if (k.startsWith(prefix) && k.length() > prefix.length()) {
              out.put(k.substring(prefix.length()), v.strip());
              used.put(k, true);
            }
          });
      return out;
    }

    void failOnUnused() {
      var unknown = used.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).toList();
      if (!unknown.isEmpty()) {
        throw new IllegalArgumentException(
            "unknown setting(s) " + unknown + "; docs/configuration.md lists the keys (e.g. window, grace, dwell-threshold,"
                + " max-negatives, tenant-adapters.<tenant>, kafka.<property>)");
      }
    }
  }
}
