package io.lorastream.trainer;

import io.lorastream.model.adapter.AdapterSigner;
import io.lorastream.trainer.checkpoint.AdapterCheckpoint;
import io.lorastream.trainer.checkpoint.CheckpointCodec;
import io.lorastream.trainer.checkpoint.CheckpointMac;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reading checkpoints in tests: with the key a trainer derives from its signing key, or a fixed
 * test key.
 */
public final class TestCheckpoints {

  /** A fixed key for unit tests. */
  public static final CheckpointMac MAC =
      CheckpointMac.of(
          "0123456789abcdef0123456789abcdef-unit-tests".getBytes(StandardCharsets.UTF_8), "tests");

  private TestCheckpoints() {}

  /**
   * The MAC key a trainer signing with {@code privateKey} uses when no checkpoint-key is
   * configured.
   */
  public static CheckpointMac macOf(Path privateKey) {
    try {
      return CheckpointMac.derivedFrom(AdapterSigner.fromFile(privateKey));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Decodes a checkpoints-topic record written by a trainer signing with {@code privateKey}. */
  public static AdapterCheckpoint decode(ConsumerRecord<String, byte[]> r, Path privateKey) {
    return CheckpointCodec.decode(
        r.value(), r.key(), r.partition(), macOf(privateKey), r.topic() + "@" + r.offset());
  }

  /** Encodes and decodes with {@link #MAC}, as a checkpoint goes to Kafka and back. */
  public static AdapterCheckpoint roundTrip(AdapterCheckpoint c) {
    return CheckpointCodec.decode(
        CheckpointCodec.encode(c, MAC), c.adapter(), c.inputPartition(), MAC, "test");
  }
}
