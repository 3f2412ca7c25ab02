package io.lorastream.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.model.adapter.AdapterKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The settings references stay in step with what the server reads: the table of docs/configuration.md and the
 * operations limits.
 */
class ConfigurationDocsTest {

  private static final Map<String, String> ENV = Map.of(
      ServerConfigFiles.ENV_PUBLIC_KEY, AdapterKeys.toPem(AdapterKeys.generate().getPublic()),
      ServerConfigFiles.ENV_API_KEYS, "sk-docs-test-0123456789");
  private static final Pattern TABLE_KEY = Pattern.compile("^\\| `([a-z][a-z0-9.<>-]*)` \\|", Pattern.MULTILINE);

  /** First-column keys of the markdown tables; {@code prefix.<x>} rows become {@code prefix.*}. */
  private static Set<String> tableKeys(String markdown) {
    Set<String> keys = new LinkedHashSet<>();
    Matcher m = TABLE_KEY.matcher(markdown);
    while (m.find()) {
      String key = m.group(1);
      int open = key.indexOf(".<");
      keys.add(open >= 0 ? key.substring(0, open + 1) + "*" : key);
    }
    return keys;
  }

  private static String section(String markdown, String heading) {
    int start = markdown.indexOf(heading);
    assertThat(start).as("heading '%s'", heading).isNotNegative();
    int next = markdown.indexOf("\n## ", start + heading.length());
    return markdown.substring(start, next < 0 ? markdown.length() : next);
  }

  @Test
  void theConfigurationTableListsExactlyTheKeysTheServerReads() throws Exception {
    String docs = Files.readString(Path.of("..", "docs", "configuration.md"));
    Set<String> documented = tableKeys(section(docs, "## Embedding server"));
    assertThat(ServerConfigFiles.keysRead(ENV)).contains("port", "kafka.*", "admin-kafka.*");
    assertThat(documented).containsExactlyInAnyOrderElementsOf(ServerConfigFiles.keysRead(ENV));
  }

  @Test
  void theOperationsLimitsTableListsEveryRequestAndWatcherLimit() throws Exception {
    String ops = section(Files.readString(Path.of("../docs/operations.md")), "## Limits and floods: embedding server");
    assertThat(tableKeys(ops)).containsAll(List.of("max-header-bytes", "max-request-bytes", "max-concurrent-requests",
        "max-inputs", "max-text-chars", "max-request-chars", "max-length", "batch.queue-capacity", "batch.max-tokens",
        "request-timeout", "max-adapters", "retained-versions", "watcher.check-interval", "watcher.max-backoff"));
    assertThat(ServerConfigFiles.keysRead(ENV)).containsAll(tableKeys(ops));
  }
}
