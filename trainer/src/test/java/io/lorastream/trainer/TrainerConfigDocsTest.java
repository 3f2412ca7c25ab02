package io.lorastream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The settings references stay in step with what TrainerConfigFiles reads: the tables of docs/configuration.md and
 * the operations limits.
 */
class TrainerConfigDocsTest {

  private static final Pattern TABLE_KEY = Pattern.compile("^\\| `([a-z_][a-z0-9_.<>]*)` \\|", Pattern.MULTILINE);

  /** First-column keys of the markdown tables in {@code markdown}; {@code prefix.<x>...} rows become {@code prefix.*}. */
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
    int start = markdown.indexOf(heading);
    assertThat(start).as("heading '%s'", heading).isNotNegative();
    int level = heading.indexOf(' ');
    int end = markdown.length();
    for (int n = 1; n <= level; n++) {
      int i = markdown.indexOf("\n" + "#".repeat(n) + " ", start + heading.length());
      if (i >= 0) {
        end = Math.min(end, i);
      }
    }
    return markdown.substring(start, end);
  }

  @Test
  void theConfigurationTablesListExactlyTheKeysTheTrainerReads() throws Exception {
    String docs = Files.readString(Path.of("..", "docs", "configuration.md"));
    assertThat(tableKeys(section(docs, "### Trainer settings")))
        .containsExactlyInAnyOrderElementsOf(TrainerConfigFiles.keysRead());
    assertThat(tableKeys(section(docs, "### Adapter settings")))
        .containsExactlyInAnyOrderElementsOf(TrainerConfigFiles.adapterKeysRead());
  }

  @Test
  void theOperationsLimitsSectionListsEveryTrainerLimit() throws Exception {
    Path ops = Path.of("..", "docs", "operations.md");
    String section = section(Files.readString(ops), "## Limits and floods: trainer");
    List<String> limits = List.of("max_text_chars", "max_pair_weight", "max_pair_negatives", "max_shown_docs",
        "max_id_chars", "max_pending_pairs", "known_positive_queries", "known_positives_per_query",
        "checkpoint_max_json_bytes", "max_record_bytes", "replay_buffer", "holdout_max_queries", "eval_pool_max_docs",
        "max_adapters", "document_cache_size", "checkpoint_key");
    assertThat(tableKeys(section)).containsAll(limits);
    Set<String> all = new LinkedHashSet<>(TrainerConfigFiles.keysRead());
    all.addAll(TrainerConfigFiles.adapterKeysRead());
    assertThat(all).containsAll(tableKeys(section));
  }
}
