package io.lorastream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.service.SettingsReference;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The settings references stay in step with what TrainerConfigFiles reads: the tables of
 * docs/configuration.md and the operations limits.
 */
class TrainerConfigDocsTest {

  @Test
  void theConfigurationTablesListExactlyTheKeysTheTrainerReads() throws Exception {
    SettingsReference docs = SettingsReference.docs("configuration.md");
    assertThat(docs.keys("### Trainer settings"))
        .containsExactlyInAnyOrderElementsOf(TrainerConfigFiles.keysRead());
    assertThat(docs.keys("### Adapter settings"))
        .containsExactlyInAnyOrderElementsOf(TrainerConfigFiles.adapterKeysRead());
  }

  @Test
  void theOperationsLimitsSectionListsEveryTrainerLimit() throws Exception {
    Set<String> section =
        SettingsReference.docs("operations.md").keys("## Limits and floods: trainer");
    List<String> limits =
        List.of(
            "max-text-chars",
            "max-pair-weight",
            "max-pair-negatives",
            "max-shown-docs",
            "max-id-chars",
            "max-pending-pairs",
            "known-positive-queries",
            "known-positives-per-query",
            "checkpoint-max-json-bytes",
            "max-record-bytes",
            "replay-buffer",
            "holdout-max-queries",
            "eval-pool-max-docs",
            "max-adapters",
            "document-cache-size",
            "checkpoint-key");
    assertThat(section).containsAll(limits);
    Set<String> all = new LinkedHashSet<>(TrainerConfigFiles.keysRead());
    all.addAll(TrainerConfigFiles.adapterKeysRead());
    assertThat(all).containsAll(section);
  }
}
