package io.lorastream.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.model.adapter.AdapterKeys;
import io.lorastream.service.SettingsReference;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The settings references stay in step with what the server reads: the table of
 * docs/configuration.md and the operations limits.
 */
class ConfigurationDocsTest {

  private static final Map<String, String> ENV =
      Map.of(
          ServerConfigFiles.ENV_PUBLIC_KEY,
          AdapterKeys.toPem(AdapterKeys.generate().getPublic()),
          ServerConfigFiles.ENV_API_KEYS,
          "sk-docs-test-0123456789");

  @Test
  void theConfigurationTableListsExactlyTheKeysTheServerReads() throws Exception {
    Set<String> documented = SettingsReference.docs("configuration.md").keys("## Embedding server");
    assertThat(ServerConfigFiles.keysRead(ENV)).contains("port", "kafka.*", "admin-kafka.*");
    assertThat(documented).containsExactlyInAnyOrderElementsOf(ServerConfigFiles.keysRead(ENV));
  }

  @Test
  void theOperationsLimitsTableListsEveryRequestAndWatcherLimit() throws Exception {
    Set<String> ops =
        SettingsReference.docs("operations.md").keys("## Limits and floods: embedding server");
    assertThat(ops)
        .containsAll(
            List.of(
                "max-header-bytes",
                "max-request-bytes",
                "max-concurrent-requests",
                "max-inputs",
                "max-text-chars",
                "max-request-chars",
                "max-length",
                "batch.queue-capacity",
                "batch.max-tokens",
                "request-timeout",
                "max-adapters",
                "retained-versions",
                "watcher.check-interval",
                "watcher.max-backoff"));
    assertThat(ServerConfigFiles.keysRead(ENV)).containsAll(ops);
  }
}
