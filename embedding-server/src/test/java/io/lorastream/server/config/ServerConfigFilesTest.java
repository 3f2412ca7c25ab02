package io.lorastream.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lorastream.model.adapter.AdapterKeys;
import io.lorastream.model.runtime.DeviceSetting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigFilesTest {

  private static final KeyPair KEYS = AdapterKeys.generate();
  private static final String API_KEY = "sk-test-0123456789abcdef";
  private static final String ADMIN_KEY = "admin-0123456789abcdef";

  private static Map<String, String> env() {
    return Map.of(
        ServerConfigFiles.ENV_PUBLIC_KEY,
        AdapterKeys.toPem(KEYS.getPublic()),
        ServerConfigFiles.ENV_API_KEYS,
        API_KEY);
  }

  @Test
  void absentKeysTakeTheDocumentedDefaults() {
    ServerConfig c = ServerConfigFiles.fromMap(Map.of(), env(), null);
    assertThat(c.port()).isEqualTo(8080);
    assertThat(c.host()).isEqualTo("0.0.0.0");
    assertThat(c.bootstrapServers()).isEqualTo("localhost:9092");
    assertThat(c.device()).isEqualTo(DeviceSetting.AUTO);
    assertThat(c.maxLength()).isEqualTo(256);
    assertThat(c.textLimitPolicy()).isEqualTo(TextLimitPolicy.TRUNCATE);
    assertThat(c.limits())
        .isEqualTo(new RequestLimits(8192, 2048, 16L * 1024 * 1024, 4096, 4_194_304, 8));
    assertThat(c.watcher())
        .isEqualTo(new WatcherSettings(Duration.ofSeconds(5), Duration.ofSeconds(30)));
    assertThat(c.batching()).isEqualTo(BatchingConfig.DEFAULTS);
    assertThat(c.adapters().retainedVersions()).isEqualTo(3);
    assertThat(c.adapters().maxAdapters()).isEqualTo(16);
    assertThat(c.topics().adapters()).isEqualTo("lorastream.adapters");
    assertThat(c.topics().adapterPins()).isEqualTo("lorastream.adapter-pins");
    assertThat(c.auth().apiKeys()).containsExactly(API_KEY);
    assertThat(c.auth().adminKey()).isNull();
  }

  @Test
  void batchWorkersTakeAutoOrACount() {
    assertThat(
            ServerConfigFiles.fromMap(Map.of("batch.workers", "auto"), env(), null)
                .batching()
                .workers())
        .isEqualTo(BatchingConfig.AUTO_WORKERS);
    assertThat(
            ServerConfigFiles.fromMap(Map.of("batch.workers", "3"), env(), null)
                .batching()
                .workers())
        .isEqualTo(3);
    assertThatThrownBy(
            () -> ServerConfigFiles.fromMap(Map.of("batch.workers", "lots"), env(), null))
        .hasMessageContaining("batch.workers");
  }

  @Test
  void theCharacterLimitsDefaultToMultiplesOfMaxLengthAndMaxInputs() {
    ServerConfig c =
        ServerConfigFiles.fromMap(Map.of("max-length", "128", "max-inputs", "100"), env(), null);
    assertThat(c.limits().maxTextChars()).as("16 x max-length").isEqualTo(2048);
    assertThat(c.limits().maxRequestChars()).as("8 x max-inputs x max-length").isEqualTo(102_400);
    ServerConfig one = ServerConfigFiles.fromMap(Map.of("max-inputs", "1"), env(), null);
    assertThat(one.limits().maxRequestChars()).as("never below max-text-chars").isEqualTo(4096);
    ServerConfig set =
        ServerConfigFiles.fromMap(
            Map.of(
                "max-text-chars",
                "1000",
                "max-request-chars",
                "5000",
                "max-concurrent-requests",
                "3",
                "max-header-bytes",
                "16384",
                "watcher.check-interval",
                "1s",
                "watcher.max-backoff",
                "10s"),
            env(),
            null);
    assertThat(set.limits())
        .isEqualTo(new RequestLimits(16384, 2048, 16L * 1024 * 1024, 1000, 5000, 3));
    assertThat(set.watcher())
        .isEqualTo(new WatcherSettings(Duration.ofSeconds(1), Duration.ofSeconds(10)));
  }

  @Test
  void limitsThatContradictEachOtherFailNamingBoth() {
    assertThatThrownBy(
            () -> ServerConfigFiles.fromMap(Map.of("max-text-chars", "100"), env(), null))
        .hasMessageContaining("max-text-chars (100) must be >= max-length (256)");
    assertThatThrownBy(
            () ->
                ServerConfigFiles.fromMap(
                    Map.of("max-request-chars", "100", "max-text-chars", "300"), env(), null))
        .hasMessageContaining("max-request-chars (100) must be >= max-text-chars (300)");
    assertThatThrownBy(
            () -> ServerConfigFiles.fromMap(Map.of("max-concurrent-requests", "0"), env(), null))
        .hasMessageContaining("max-concurrent-requests must be in 1..10000, got 0");
    assertThatThrownBy(
            () -> ServerConfigFiles.fromMap(Map.of("watcher.max-backoff", "1h"), env(), null))
        .hasMessageContaining("watcher.max-backoff must be between 100ms and 10m");
  }

  @Test
  void theExampleFileStatesTheDefaults() {
    ServerConfig example = ServerConfigFiles.load(Path.of("server.example.yaml"), Map.of(), env());
    assertThat(example).isEqualTo(ServerConfigFiles.fromMap(Map.of(), env(), null));
  }

  @Test
  void yamlNestingAndListsAreFlattened(@TempDir Path dir) throws Exception {
    Path pub = dir.resolve("adapter-signing.pub");
    AdapterKeys.writePublicKey(pub, KEYS.getPublic(), false);
    Path file = dir.resolve("server.yaml");
    Files.writeString(
        file,
        """
        port: 9001
        batch:
          max-size: 16
          max-wait: 2ms
        api-keys: [sk-first-0123456789abcd, sk-second-0123456789abc]
        adapter-public-key: adapter-signing.pub
        kafka:
          security.protocol: PLAINTEXT
        """);
    ServerConfig c = ServerConfigFiles.load(file, Map.of("port", "9002"), Map.of());
    assertThat(c.port()).as("overrides win over the file").isEqualTo(9002);
    assertThat(c.batching().maxSize()).isEqualTo(16);
    assertThat(c.batching().maxWait()).isEqualTo(Duration.ofMillis(2));
    assertThat(c.auth().apiKeys())
        .containsExactly("sk-first-0123456789abcd", "sk-second-0123456789abc");
    assertThat(c.adapters().publicKey()).isEqualTo(KEYS.getPublic());
    assertThat(c.kafkaProperties()).containsEntry("security.protocol", "PLAINTEXT");
  }

  @Test
  void environmentSecretsWinOverTheFile() {
    Map<String, String> env = new HashMap<>(env());
    env.put(ServerConfigFiles.ENV_ADMIN_KEY, ADMIN_KEY);
    ServerConfig c =
        ServerConfigFiles.fromMap(
            Map.of("api-keys", "sk-from-file-0123456789", "admin-key", "admin-from-file-0123"),
            env,
            null);
    assertThat(c.auth().apiKeys()).containsExactly(API_KEY);
    assertThat(c.auth().adminKey()).isEqualTo(ADMIN_KEY);
  }

  @Test
  void unknownKeysFailNamingThem() {
    assertThatThrownBy(() -> ServerConfigFiles.fromMap(Map.of("batch.max-sise", "8"), env(), null))
        .hasMessageContaining("batch.max-sise");
  }

  @Test
  void badValuesNameTheKeyTheValueAndTheRule() {
    assertThatThrownBy(() -> ServerConfigFiles.fromMap(Map.of("port", "eighty"), env(), null))
        .hasMessageContaining("port")
        .hasMessageContaining("eighty");
    assertThatThrownBy(() -> ServerConfigFiles.fromMap(Map.of("batch.max-size", "0"), env(), null))
        .hasMessageContaining("batch.max-size must be in 1..4096, got 0");
    assertThatThrownBy(
            () -> ServerConfigFiles.fromMap(Map.of("text-limit-policy", "cut"), env(), null))
        .hasMessageContaining("'truncate' or 'reject'");
    assertThatThrownBy(
            () -> ServerConfigFiles.fromMap(Map.of("batch.max-wait", "soon"), env(), null))
        .hasMessageContaining("batch.max-wait")
        .hasMessageContaining("not a duration");
    assertThatThrownBy(() -> ServerConfigFiles.fromMap(Map.of("max-inputs", "5000"), env(), null))
        .hasMessageContaining("max-inputs (5000) must not exceed batch.queue-capacity (4096)");
  }

  @Test
  void aMissingPublicKeySaysHowToMakeOne() {
    assertThatThrownBy(
            () ->
                ServerConfigFiles.fromMap(
                    Map.of(), Map.of(ServerConfigFiles.ENV_API_KEYS, API_KEY), null))
        .hasMessageContaining("adapter-public-key is required")
        .hasMessageContaining("lorastream keys generate");
  }

  @Test
  void noApiKeysIsRefusedUnlessAnonymousServingIsAllowed() {
    Map<String, String> env =
        Map.of(ServerConfigFiles.ENV_PUBLIC_KEY, AdapterKeys.toPem(KEYS.getPublic()));
    assertThatThrownBy(() -> ServerConfigFiles.fromMap(Map.of(), env, null))
        .hasMessageContaining("api-keys is empty")
        .hasMessageContaining("allow-anonymous");
    assertThat(
            ServerConfigFiles.fromMap(Map.of("allow-anonymous", "true"), env, null)
                .auth()
                .allowAnonymous())
        .isTrue();
  }

  @Test
  void keysAreLongEnoughDistinctAndNeverPrinted() {
    assertThatThrownBy(() -> new AuthConfig(java.util.List.of("short"), null, false))
        .hasMessageContaining("api-keys[0] must be at least 16");
    assertThatThrownBy(() -> new AuthConfig(java.util.List.of(API_KEY), API_KEY, false))
        .hasMessageContaining("admin-key must differ");
    String printed = new AuthConfig(java.util.List.of(API_KEY), ADMIN_KEY, false).toString();
    assertThat(printed).doesNotContain(API_KEY).doesNotContain(ADMIN_KEY).contains("1 key(s)");
  }
}
