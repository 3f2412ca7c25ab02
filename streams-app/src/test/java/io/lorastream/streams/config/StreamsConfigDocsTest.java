package io.lorastream.streams.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The settings reference (docs/configuration.md, "Streams app") lists exactly the keys ConfigFiles reads. */
class StreamsConfigDocsTest {

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

  /** From {@code heading} to the next heading of its level or above. */
  private static String section(String markdown, String heading) {
    int start = markdown.indexOf("\n" + heading + "\n");
    assertThat(start).as("heading '%s'", heading).isNotNegative();
    int next = markdown.indexOf("\n## ", start + heading.length() + 1);
    return markdown.substring(start, next < 0 ? markdown.length() : next);
  }

  @Test
  void theStreamsTableListsExactlyTheKeysConfigFilesReads() throws Exception {
    String docs = Files.readString(Path.of("..", "docs", "configuration.md"));
    Set<String> documented = tableKeys(section(docs, "## Streams app"));
    assertThat(ConfigFiles.keysRead()).contains("window", "kafka.*", "tenant-adapters.*");
    assertThat(documented).containsExactlyInAnyOrderElementsOf(ConfigFiles.keysRead());
  }
}
