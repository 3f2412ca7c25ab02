package io.lorastream.streams.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.service.SettingsReference;
import org.junit.jupiter.api.Test;

/**
 * The settings reference (docs/configuration.md, "Streams app") lists exactly the keys ConfigFiles
 * reads.
 */
class StreamsConfigDocsTest {

  @Test
  void theStreamsTableListsExactlyTheKeysConfigFilesReads() throws Exception {
    var documented = SettingsReference.docs("configuration.md").keys("## Streams app");
    assertThat(ConfigFiles.keysRead()).contains("window", "kafka.*", "tenant-adapters.*");
    assertThat(documented).containsExactlyInAnyOrderElementsOf(ConfigFiles.keysRead());
  }
}
