package io.lorastream.trainer.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lorastream.model.adapter.AdapterKeys;
import io.lorastream.model.adapter.AdapterSigner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointMacTest {

  @TempDir Path dir;
  private static final AdapterSigner SIGNER =
      new AdapterSigner(AdapterKeys.generate().getPrivate());
  private static final byte[] DATA = "checkpoint bytes".getBytes(StandardCharsets.UTF_8);

  private static byte[] macOf(CheckpointMac m) {
    return m.mac("scifact", 1, DATA, DATA.length);
  }

  @Test
  void theKeyComesFromTheFileThenTheEnvironmentThenTheSigningKey() throws Exception {
    Path file = dir.resolve("checkpoint.key");
    Files.writeString(file, "  a file key of more than thirty-two bytes  \n");
    Map<String, String> env = Map.of(CheckpointMac.ENV, "an environment key of more than 32 bytes");
    CheckpointMac fromFile = CheckpointMac.resolve(file, env::get, SIGNER);
    CheckpointMac fromEnv = CheckpointMac.resolve(null, env::get, SIGNER);
    CheckpointMac derived = CheckpointMac.resolve(null, k -> null, SIGNER);
    assertThat(fromFile.origin()).contains(file.toString());
    assertThat(fromEnv.origin()).isEqualTo("$LORASTREAM_CHECKPOINT_KEY");
    assertThat(derived.origin()).contains("signing key");
    assertThat(macOf(fromFile))
        .isEqualTo(
            macOf(
                CheckpointMac.of(
                    "a file key of more than thirty-two bytes".getBytes(StandardCharsets.UTF_8),
                    "x")))
        .isNotEqualTo(macOf(fromEnv))
        .isNotEqualTo(macOf(derived));
    assertThat(macOf(derived))
        .isEqualTo(macOf(CheckpointMac.derivedFrom(SIGNER)))
        .isNotEqualTo(
            macOf(
                CheckpointMac.derivedFrom(new AdapterSigner(AdapterKeys.generate().getPrivate()))));
  }

  @Test
  void theMacBindsAdapterAndPartitionAndShortKeysAreRefused() throws Exception {
    CheckpointMac m = CheckpointMac.derivedFrom(SIGNER);
    assertThat(m.mac("scifact", 1, DATA, DATA.length))
        .hasSize(CheckpointMac.LENGTH)
        .isNotEqualTo(m.mac("scifact", 2, DATA, DATA.length))
        .isNotEqualTo(m.mac("scifacts", 1, DATA, DATA.length));
    Path file = dir.resolve("short.key");
    Files.writeString(file, "too short");
    assertThatThrownBy(() -> CheckpointMac.resolve(file, k -> null, SIGNER))
        .hasMessageContaining("checkpoint-key " + file)
        .hasMessageContaining("at least 32");
    assertThatThrownBy(() -> CheckpointMac.resolve(dir.resolve("missing"), k -> null, SIGNER))
        .hasMessageContaining("cannot read checkpoint-key");
  }
}
