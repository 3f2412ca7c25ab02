package io.lorastream.server.testing;

import io.lorastream.kafka.KafkaCluster;
import io.lorastream.kafka.TestKafka;
import io.lorastream.model.adapter.AdaptationMode;
import io.lorastream.model.adapter.AdapterKey;
import io.lorastream.model.adapter.AdapterKeys;
import io.lorastream.model.adapter.AdapterSigner;
import io.lorastream.model.adapter.AdapterWithdrawal;
import io.lorastream.model.adapter.AdapterWithdrawalCodec;
import io.lorastream.model.lora.AdapterWeights;
import io.lorastream.model.weights.BaseModel;
import io.lorastream.model.weights.BaseModelLoader;
import io.lorastream.server.EmbeddingServer;
import io.lorastream.server.adapters.ServerTopics;
import io.lorastream.server.config.ServerConfig;
import io.lorastream.server.config.ServerConfigFiles;
import io.lorastream.server.config.TopicSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A real Kafka broker (in-process KRaft), a signing key pair, the real all-MiniLM-L6-v2 and the
 * servers started on them, for the integration tests. Servers listen on 127.0.0.1 and a free port.
 */
public final class ServerHarness implements AutoCloseable {

  public static final String API_KEY = "sk-lorastream-test-0123456789";
  public static final String ADMIN_KEY = "admin-lorastream-test-0123456789";
  public static final int PARTITIONS = TopicSettings.DEFAULTS.partitions();

  private static BaseModel base;

  public final KafkaCluster kafka;
  private final boolean ownsKafka;
  public final KeyPair keys = AdapterKeys.generate();
  public final AdapterSigner signer = new AdapterSigner(keys.getPrivate());
  public final KafkaProducer<String, byte[]> producer;
  public final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final List<EmbeddingServer> servers = new ArrayList<>();

  public ServerHarness() {
    this(TestKafka.start(), true);
  }

  /** On a broker the caller owns, and may stop and start again on the same port. */
  public ServerHarness(KafkaCluster kafka) {
    this(kafka, false);
  }

  private ServerHarness(KafkaCluster kafka, boolean ownsKafka) {
    this.kafka = kafka;
    this.ownsKafka = ownsKafka;
    ServerTopics.ensure(
        Map.of("bootstrap.servers", kafka.bootstrapServers()),
        TopicSettings.DEFAULTS,
        Duration.ofSeconds(30));
    producer = TestAdapters.producer(kafka.bootstrapServers());
  }

  /**
   * The real model, loaded once per JVM (its host weights are shared; every server puts its own
   * copy on the device).
   */
  public static synchronized BaseModel base() {
    if (base == null) {
      try {
        base = BaseModelLoader.loadDefault();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return base;
  }

  public Map<String, String> env() {
    return Map.of(
        ServerConfigFiles.ENV_PUBLIC_KEY, AdapterKeys.toPem(keys.getPublic()),
        ServerConfigFiles.ENV_API_KEYS, API_KEY,
        ServerConfigFiles.ENV_ADMIN_KEY, ADMIN_KEY);
  }

  public ServerConfig config(String instance, Map<String, String> extra) {
    Map<String, String> m = new HashMap<>();
    m.put("host", "127.0.0.1");
    m.put("port", "0");
    m.put("bootstrap-servers", kafka.bootstrapServers());
    m.put("device", "cpu");
    m.put("instance-id", instance);
    m.put("batch.max-wait", "2ms");
    m.putAll(extra);
    return ServerConfigFiles.fromMap(m, env(), null);
  }

  /** Starts a server and waits until it has read the adapters topic. */
  public EmbeddingServer start(String instance, Map<String, String> extra) throws Exception {
    EmbeddingServer s = startUnready(instance, extra);
    if (!s.awaitReady(Duration.ofSeconds(60))) {
      throw new IllegalStateException("server " + instance + " did not become ready in 60 s");
    }
    return s;
  }

  /** Starts a server without waiting for it to read the adapters topic. */
  public EmbeddingServer startUnready(String instance, Map<String, String> extra) throws Exception {
    EmbeddingServer s = EmbeddingServer.start(config(instance, extra), base());
    servers.add(s);
    return s;
  }

  /** Signs and publishes one version, as the trainer would. */
  public void publish(String adapter, int version, AdapterWeights weights, AdaptationMode mode)
      throws Exception {
    BaseModel b = base();
    publishRaw(
        new AdapterKey(adapter, version),
        TestAdapters.record(adapter, version, weights, b.id(), b.config(), mode, signer));
  }

  public void publishRaw(AdapterKey key, byte[] value) throws Exception {
    TestAdapters.publish(producer, TopicSettings.DEFAULTS.adapters(), PARTITIONS, key, value);
  }

  /**
   * A tombstone, with a signed withdrawal in its header when {@code withdrawal} is not null (as the
   * trainer writes).
   */
  public void publishTombstone(AdapterKey key, byte[] withdrawal) throws Exception {
    RecordHeaders headers = new RecordHeaders();
    if (withdrawal != null) {
      headers.add(AdapterWithdrawalCodec.HEADER, withdrawal);
    }
    producer
        .send(
            new ProducerRecord<>(
                TopicSettings.DEFAULTS.adapters(),
                key.partition(PARTITIONS),
                null,
                key.toString(),
                null,
                headers))
        .get();
  }

  /** The signed withdrawal of a version, as the trainer puts it on the version's tombstone. */
  public byte[] withdrawal(AdapterKey key, AdapterSigner by) {
    return AdapterWithdrawalCodec.encode(new AdapterWithdrawal(key, Instant.now(), "test"), by);
  }

  public HttpResponse<String> post(EmbeddingServer s, String path, String json, String key)
      throws Exception {
    return post(s, path, json, key, "application/json");
  }

  /** A POST with the given Content-Type, or none when it is null. */
  public HttpResponse<String> post(
      EmbeddingServer s, String path, String body, String key, String contentType)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(s, path))
            .timeout(Duration.ofSeconds(120))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> get(EmbeddingServer s, String path, String key) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(s, path)).timeout(Duration.ofSeconds(60)).GET();
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> delete(EmbeddingServer s, String path, String key) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(s, path)).timeout(Duration.ofSeconds(60)).DELETE();
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(EmbeddingServer s, String path) {
    return s.uri().resolve(path);
  }

  @Override
  public void close() {
    for (EmbeddingServer s : servers) {
      s.close();
    }
    producer.close();
    if (ownsKafka) {
      kafka.close();
    }
  }
}
