package io.lorastream.server.config;

import io.lorastream.model.runtime.DeviceSetting;
import io.lorastream.model.runtime.Precision;
import io.lorastream.model.serving.EngineChoice;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything the embedding server needs, validated at construction. Read from a file with {@link
 * ServerConfigFiles}, which lists every key with its default.
 *
 * @param host address the HTTP server binds
 * @param port HTTP port; 0 picks a free one
 * @param bootstrapServers Kafka {@code bootstrap.servers}
 * @param baseModel {@code default} (the bundled all-MiniLM-L6-v2) or a Hugging Face BERT folder
 * @param device auto, cpu or gpu
 * @param precision fp32 or fp16 weights and activations
 * @param engine the runtime that serves: auto (ONNX Runtime on a CPU in fp32, else PyTorch),
 *     onnxruntime or pytorch
 * @param maxLength max tokens per text, special tokens included
 * @param textLimitPolicy what happens to longer texts (in tokens, and in characters beyond
 *     max-text-chars)
 * @param limits texts, bytes and characters per request, requests read at once
 * @param batching dynamic batching and the bounded queue
 * @param auth API and admin keys
 * @param adapters verification key, versions kept, adapter cap
 * @param topics topic names and creation
 * @param watcher how the adapter watcher checks on Kafka and backs off while it is unreachable
 * @param requestTimeout longest time a request may wait for its batch; then 503
 * @param retryAfter the {@code Retry-After} sent with 429 and 503
 * @param instanceId this replica's name in pins it publishes, Kafka client ids and logs
 * @param kafkaProperties extra Kafka client properties (security settings, config providers),
 *     applied last to every client of the server
 * @param adminKafkaProperties laid over {@code kafkaProperties} for the producer of pins behind the
 *     admin API: the credentials of the principal allowed to write adapter-pins (the server's own
 *     principal only reads)
 */
public record ServerConfig(
    String host,
    int port,
    String bootstrapServers,
    String baseModel,
    DeviceSetting device,
    Precision precision,
    EngineChoice engine,
    int maxLength,
    TextLimitPolicy textLimitPolicy,
    RequestLimits limits,
    BatchingConfig batching,
    AuthConfig auth,
    AdapterSettings adapters,
    TopicSettings topics,
    WatcherSettings watcher,
    Duration requestTimeout,
    Duration retryAfter,
    String instanceId,
    Map<String, String> kafkaProperties,
    Map<String, String> adminKafkaProperties) {

  public ServerConfig {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank (0.0.0.0 binds every interface)");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in 0..65535, got " + port);
    }
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("bootstrap-servers must name at least one HOST:PORT");
    }
    if (baseModel == null || baseModel.isBlank()) {
      throw new IllegalArgumentException(
          "base-model must be 'default' or a Hugging Face model folder");
    }
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(precision, "precision");
    Objects.requireNonNull(engine, "engine");
    if (engine == EngineChoice.ONNXRUNTIME && precision != Precision.FP32) {
      throw new IllegalArgumentException(
          "engine onnxruntime serves in fp32 only, got precision "
              + precision
              + "; use engine auto or pytorch for fp16");
    }
    if (maxLength < 8 || maxLength > 8192) {
      throw new IllegalArgumentException("max-length must be in 8..8192 tokens, got " + maxLength);
    }
    Objects.requireNonNull(textLimitPolicy, "text-limit-policy");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(watcher, "watcher");
    Objects.requireNonNull(batching, "batching");
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(adapters, "adapters");
    Objects.requireNonNull(topics, "topics");
    if (limits.maxInputs() > batching.queueCapacity()) {
      throw new IllegalArgumentException(
          "max-inputs ("
              + limits.maxInputs()
              + ") must not exceed batch.queue-capacity ("
              + batching.queueCapacity()
              + "): a request that large could never be queued");
    }
    if (limits.maxTextChars() < maxLength) {
      throw new IllegalArgumentException(
          "max-text-chars ("
              + limits.maxTextChars()
              + ") must be >= max-length ("
              + maxLength
              + "): a text of"
              + " max-length tokens has at least that many characters");
    }
    if (batching.maxTokens() < maxLength) {
      throw new IllegalArgumentException(
          "batch.max-tokens ("
              + batching.maxTokens()
              + ") must be >= max-length ("
              + maxLength
              + ") so one text of the max length fits a batch");
    }
    if (requestTimeout == null || requestTimeout.compareTo(Duration.ofMillis(100)) < 0) {
      throw new IllegalArgumentException("request-timeout must be >= 100ms, got " + requestTimeout);
    }
    if (retryAfter == null || retryAfter.isNegative()) {
      throw new IllegalArgumentException("retry-after must be >= 0, got " + retryAfter);
    }
    if (instanceId == null || !instanceId.matches("[A-Za-z0-9._-]{1,100}")) {
      throw new IllegalArgumentException(
          "instance-id must be 1 to 100 of letters, digits, '.', '_' and '-', got '"
              + instanceId
              + "'");
    }
    kafkaProperties = Map.copyOf(new TreeMap<>(kafkaProperties));
    adminKafkaProperties =
        Map.copyOf(new TreeMap<>(adminKafkaProperties == null ? Map.of() : adminKafkaProperties));
  }

  /**
   * The client settings of the pin producer: {@code kafka.*} with {@code admin-kafka.*} laid over
   * them.
   */
  public Map<String, String> pinKafkaProperties() {
    Map<String, String> merged = new TreeMap<>(kafkaProperties);
    merged.putAll(adminKafkaProperties);
    return Map.copyOf(merged);
  }

  /** The same configuration on another port (tests and the benchmark take a free one with 0). */
  public ServerConfig withPort(int newPort) {
    return new ServerConfig(
        host,
        newPort,
        bootstrapServers,
        baseModel,
        device,
        precision,
        engine,
        maxLength,
        textLimitPolicy,
        limits,
        batching,
        auth,
        adapters,
        topics,
        watcher,
        requestTimeout,
        retryAfter,
        instanceId,
        kafkaProperties,
        adminKafkaProperties);
  }
}
