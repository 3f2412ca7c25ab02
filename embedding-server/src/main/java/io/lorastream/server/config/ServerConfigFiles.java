package io.lorastream.server.config;

import io.lorastream.model.adapter.AdapterKeys;
import io.lorastream.model.runtime.DeviceSetting;
import io.lorastream.model.runtime.Precision;
import io.lorastream.model.serving.EngineChoice;
import io.lorastream.schemas.TopicNames;
import io.lorastream.service.Booleans;
import io.lorastream.service.Durations;
import io.lorastream.service.Settings;
import io.lorastream.service.SettingsFile;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@link ServerConfig} from flat keys in a {@code .properties}, {@code .yaml} or {@code .yml}
 * file (YAML nesting is flattened with dots: {@code batch: {max-size: 32}} is {@code
 * batch.max-size}; YAML lists are joined with commas) by the services' one reader ({@link
 * SettingsFile}, {@link Settings}; durations are {@link Durations}, booleans {@link Booleans}).
 * Secrets may instead come from the environment, which wins over the file. An unknown key fails,
 * naming the nearest known one.
 *
 * <pre>
 * key                   default                  meaning
 * host                  0.0.0.0                  address the HTTP server binds
 * port                  8080                     HTTP port (0 = any free port)
 * bootstrap-servers     localhost:9092           Kafka bootstrap servers
 * base-model            default                  'default' (bundled all-MiniLM-L6-v2) or a Hugging Face folder
 * device                auto                     auto | cpu | gpu
 * precision             fp32                     fp32 | fp16
 * engine                auto                     auto (onnxruntime on a CPU in fp32, else pytorch) | onnxruntime | pytorch
 * max-length            256                      max tokens per text, [CLS] and [SEP] included
 * text-limit-policy     truncate                 truncate (counted) | reject (413)
 * max-header-bytes      8192                     request line and headers (431 beyond; 414 for a long URI)
 * max-inputs            2048                     texts per request (OpenAI's limit); 400 beyond
 * max-request-bytes     16777216                 request body limit (413 beyond, before the body is read)
 * max-text-chars        16 x max-length          characters per text: cut (truncate) or 413 (reject) beyond
 * max-request-chars     8 x max-inputs x max-length (at least max-text-chars)
 *                                                characters of all texts of a request, after cutting; 413 beyond
 * max-concurrent-requests 8                      requests read, parsed and tokenized at once (as many wait
 *                                                up to retry-after for a turn); 429 beyond
 * batch.max-size        32                       texts per forward pass
 * batch.max-tokens      8192                     padded tokens per forward pass
 * batch.max-wait        0ms                      how long a request waits for others to join its batch
 * batch.queue-capacity  4096                     texts waiting, all queues together (429 beyond)
 * batch.workers         auto                     forward passes at once: auto = one per core (ONNX Runtime), 1 (PyTorch)
 * request-timeout       30s                      longest wait for a batch (503 beyond)
 * retry-after           1s                       Retry-After of 429 and 503 answers
 * api-keys              -                        comma-separated bearer keys for /v1/*   env LORASTREAM_API_KEYS
 * admin-key             -                        bearer key for /admin/*                  env LORASTREAM_ADMIN_KEY
 * allow-anonymous       false                    serve /v1/* without keys (local demos only)
 * adapter-public-key    - (required)             PEM file of the Ed25519 key adapter records are signed with
 *                                                env LORASTREAM_ADAPTER_PUBLIC_KEY: the PEM text or its base64
 * retained-versions     3                        versions kept loaded per adapter (newest K, plus a pinned one)
 * max-adapters          16                       adapters served at once (further ones are refused)
 * pin-timeout           10s                      admin calls wait this long to see their pin applied here
 * topic-prefix          lorastream.              topics are PREFIXadapters and PREFIXadapter-pins
 * create-topics         true                     create missing topics at start
 * topic-partitions      3                        partitions of topics the server creates
 * replication-factor    3                        replicas of topics the server creates (capped at the broker count)
 * min-insync-replicas   2                        min.insync.replicas of topics the server creates
 * watcher.check-interval 5s                     how often the adapter watcher checks that Kafka answers
 * watcher.max-backoff   30s                      longest wait between retries while Kafka is unreachable
 * instance-id           HOST-PID                 this replica's name in pins, client ids and logs
 * kafka.NAME            -                        any Kafka client property (security included), applied last
 * admin-kafka.NAME      -                        laid over kafka.* for the pin producer of the admin API (the
 *                                                credentials of the principal allowed to write adapter-pins)
 * </pre>
 */
public final class ServerConfigFiles {

  public static final String ENV_API_KEYS = "LORASTREAM_API_KEYS";
  public static final String ENV_ADMIN_KEY = "LORASTREAM_ADMIN_KEY";
  public static final String ENV_PUBLIC_KEY = "LORASTREAM_ADAPTER_PUBLIC_KEY";

  private ServerConfigFiles() {}

  /**
   * Reads a file, then lays {@code overrides} (e.g. command-line options) and the environment's
   * secrets over it.
   */
  public static ServerConfig load(
      Path file, Map<String, String> overrides, Map<String, String> env) {
    Path baseDir = file.toAbsolutePath().getParent();
    return SettingsFile.load(file, overrides, keys -> build(keys, env, baseDir));
  }

  /** Flat keys of a {@code .properties} or YAML file. */
  public static Map<String, String> read(Path file) {
    return SettingsFile.read(file).values();
  }

  /**
   * Builds the config from flat keys and the environment; absent keys take their defaults.
   *
   * @param baseDir relative paths in the keys (the public key file) are resolved against it; null =
   *     working dir
   */
  public static ServerConfig fromMap(
      Map<String, String> input, Map<String, String> env, Path baseDir) {
    return build(Settings.of(input), env, baseDir);
  }

  /**
   * Every key {@link #fromMap} reads (with {@code env} holding at least the public key and API
   * keys); a prefix read as a map ({@code kafka.}, {@code admin-kafka.}) as {@code prefix*}. For
   * the tests that keep the docs in step.
   */
  static Set<String> keysRead(Map<String, String> env) {
    Settings keys = Settings.of(Map.of());
    build(keys, env, null);
    return Set.copyOf(keys.asked());
  }

  private static ServerConfig build(Settings keys, Map<String, String> env, Path baseDir) {
    BatchingConfig b = BatchingConfig.DEFAULTS;
    BatchingConfig batching =
        new BatchingConfig(
            keys.get("batch.max-size", b.maxSize(), Integer::parseInt),
            keys.get("batch.max-tokens", b.maxTokens(), Integer::parseInt),
            keys.get("batch.max-wait", b.maxWait(), Durations::parse),
            keys.get("batch.queue-capacity", b.queueCapacity(), Integer::parseInt),
            keys.get("batch.workers", b.workers(), BatchingConfig::parseWorkers));

    List<String> apiKeys = splitList(firstNonBlank(env.get(ENV_API_KEYS), keys.raw("api-keys")));
    String adminKey = firstNonBlank(env.get(ENV_ADMIN_KEY), keys.raw("admin-key"));
    AuthConfig auth =
        new AuthConfig(apiKeys, adminKey, keys.get("allow-anonymous", false, Booleans::parse));

    String keyFile = keys.raw("adapter-public-key");
    String keyEnv = env.get(ENV_PUBLIC_KEY);
    PublicKey publicKey;
    String keySource;
    try {
      if (keyEnv != null && !keyEnv.isBlank()) {
        keySource = "env " + ENV_PUBLIC_KEY;
        publicKey = AdapterKeys.parsePublicKey(keyEnv, keySource);
      } else if (keyFile != null && !keyFile.isBlank()) {
        Path path = baseDir == null ? Path.of(keyFile) : baseDir.resolve(keyFile);
        keySource = path.toString();
        publicKey = AdapterKeys.readPublicKey(path);
      } else {
        throw new IllegalArgumentException(
            "adapter-public-key is required: the PEM file of the Ed25519 public key adapter versions are signed with"
                + " (or its text in the environment variable "
                + ENV_PUBLIC_KEY
                + "); create a key pair with"
                + " './lorastream keys generate --out DIR'");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("adapter-public-key: " + e.getMessage(), e);
    }
    AdapterSettings adapters =
        new AdapterSettings(
            publicKey,
            keySource,
            keys.get("retained-versions", 3, Integer::parseInt),
            keys.get("max-adapters", 16, Integer::parseInt),
            keys.get("pin-timeout", Duration.ofSeconds(10), Durations::parse));

    TopicSettings t = TopicSettings.DEFAULTS;
    TopicSettings topics =
        new TopicSettings(
            keys.get("topic-prefix", t.names(), TopicNames::new),
            keys.get("create-topics", t.createTopics(), Booleans::parse),
            keys.get("topic-partitions", t.partitions(), Integer::parseInt),
            keys.get("replication-factor", t.replicationFactor(), Short::parseShort),
            keys.get("min-insync-replicas", t.minInsyncReplicas(), Integer::parseInt));

    WatcherSettings w = WatcherSettings.DEFAULTS;
    WatcherSettings watcher =
        new WatcherSettings(
            keys.get("watcher.check-interval", w.checkInterval(), Durations::parse),
            keys.get("watcher.max-backoff", w.maxBackoff(), Durations::parse));

    int maxLength = keys.get("max-length", 256, Integer::parseInt);
    int maxInputs = keys.get("max-inputs", RequestLimits.DEFAULT_MAX_INPUTS, Integer::parseInt);
    int maxTextChars =
        keys.get(
            "max-text-chars",
            RequestLimits.defaultMaxTextChars(Math.max(1, maxLength)),
            Integer::parseInt);
    RequestLimits limits =
        new RequestLimits(
            keys.get("max-header-bytes", RequestLimits.DEFAULT_MAX_HEADER_BYTES, Integer::parseInt),
            maxInputs,
            keys.get("max-request-bytes", RequestLimits.DEFAULT_MAX_REQUEST_BYTES, Long::parseLong),
            maxTextChars,
            keys.get(
                "max-request-chars",
                Math.max(
                    maxTextChars,
                    RequestLimits.defaultMaxRequestChars(
                        Math.max(1, maxInputs), Math.max(1, maxLength))),
                Long::parseLong),
            keys.get(
                "max-concurrent-requests",
                RequestLimits.DEFAULT_MAX_CONCURRENT_REQUESTS,
                Integer::parseInt));

    Map<String, String> kafka = keys.withPrefix("kafka.");
    Map<String, String> adminKafka = keys.withPrefix("admin-kafka.");

    ServerConfig config =
        new ServerConfig(
            keys.get("host", "0.0.0.0", s -> s),
            keys.get("port", 8080, Integer::parseInt),
            keys.get("bootstrap-servers", "localhost:9092", s -> s),
            keys.get("base-model", "default", s -> s),
            keys.get("device", DeviceSetting.AUTO, DeviceSetting::parse),
            keys.get("precision", Precision.FP32, Precision::parse),
            keys.get("engine", EngineChoice.AUTO, EngineChoice::parse),
            maxLength,
            keys.get("text-limit-policy", TextLimitPolicy.TRUNCATE, TextLimitPolicy::parse),
            limits,
            batching,
            auth,
            adapters,
            topics,
            watcher,
            keys.get("request-timeout", Duration.ofSeconds(30), Durations::parse),
            keys.get("retry-after", Duration.ofSeconds(1), Durations::parse),
            keys.get("instance-id", defaultInstanceId(), s -> s),
            kafka,
            adminKafka);
    keys.failOnUnknown();
    return config;
  }

  /** {@code HOST-PID}, cut to the characters an instance id allows. */
  static String defaultInstanceId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "server";
    }
    String pid = Long.toString(ManagementFactory.getRuntimeMXBean().getPid());
    String id = (host + "-" + pid).replaceAll("[^A-Za-z0-9._-]", "-");
    return id.length() > 100 ? id.substring(id.length() - 100) : id;
  }

  private static List<String> splitList(String s) {
    if (s == null || s.isBlank()) {
      return List.of();
    }
    return Arrays.stream(s.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
  }

  private static String firstNonBlank(String a, String b) {
    return a != null && !a.isBlank() ? a.strip() : (b == null || b.isBlank() ? null : b.strip());
  }
}
