package io.lorastream.trainer.publish;

import io.lorastream.model.BaseModelId;
import io.lorastream.model.adapter.AdapterKey;
import io.lorastream.model.adapter.AdapterManifest;
import io.lorastream.model.adapter.AdapterRecordCodec;
import io.lorastream.model.adapter.AdapterSigner;
import io.lorastream.model.adapter.AdapterWithdrawal;
import io.lorastream.model.adapter.AdapterWithdrawalCodec;
import io.lorastream.model.adapter.PeftAdapterFiles;
import io.lorastream.model.encoder.EncoderConfig;
import io.lorastream.model.lora.AdapterWeights;
import io.lorastream.trainer.step.AdapterTrainer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Turns accepted adapters into adapters-topic records: the signed PEFT files and manifest under key
 * {@code <adapter>@<version>}, in the adapter's own partition ({@link AdapterKey#partition}), plus
 * the tombstone of the version that falls out of the last {@code keep-versions}, carrying the
 * signed withdrawal servers require before they stop serving a version ({@link
 * AdapterWithdrawalCodec}).
 */
public final class AdapterPublisher {

  /** Kafka's record and batch framing around key and value, with room to spare. */
  public static final int RECORD_OVERHEAD_BYTES = 1024;

  private final AdapterSigner signer;
  private final BaseModelId base;
  private final EncoderConfig encoder;
  private final String topic;
  private final int partitions;
  private final int maxRecordBytes;
  private final int maxCheckpointBytes;

  public AdapterPublisher(
      AdapterSigner signer,
      BaseModelId base,
      EncoderConfig encoder,
      String topic,
      int partitions,
      int maxRecordBytes,
      int maxCheckpointBytes) {
    this.signer = signer;
    this.base = base;
    this.encoder = encoder;
    this.topic = topic;
    this.partitions = partitions;
    this.maxRecordBytes = maxRecordBytes;
    this.maxCheckpointBytes = maxCheckpointBytes;
  }

  /**
   * Encodes and signs a version.
   *
   * @throws RecordTooLargeException when the record would exceed the largest record the topic and
   *     producer take
   */
  public Publication prepare(
      AdapterTrainer t,
      int version,
      AdapterWeights weights,
      SortedMap<String, Double> eval,
      SortedMap<String, Long> inputOffsets,
      Instant now) {
    PeftAdapterFiles files = PeftAdapterFiles.encode(weights, base, encoder);
    AdapterManifest manifest =
        new AdapterManifest(
            t.name(),
            version,
            base,
            files.weightsSha256(),
            weights.config(),
            t.settings().mode(),
            t.settings().loss().kind().configName(),
            t.steps(),
            t.ledger().pairs(),
            eval,
            now,
            inputOffsets);
    byte[] value = AdapterRecordCodec.encode(manifest, files, signer);
    requireFits(
        manifest.key().toString(),
        value,
        maxRecordBytes,
        "adapter version " + manifest.key(),
        "lower lora-r or target fewer modules (target-modules)");
    return new Publication(manifest, weights, value, t.newestUnpublishedEventMs());
  }

  /**
   * The version record and, once more than {@code keep} versions exist, the tombstone of the oldest
   * kept one with its signed withdrawal in a header.
   */
  public List<ProducerRecord<String, byte[]>> records(Publication p, int keep) {
    AdapterKey key = p.manifest().key();
    int partition = key.partition(partitions);
    List<ProducerRecord<String, byte[]>> out = new ArrayList<>(2);
    out.add(new ProducerRecord<>(topic, partition, key.toString(), p.value()));
    int expired = key.version() - keep;
    if (expired >= 1) {
      AdapterKey old = new AdapterKey(key.adapter(), expired);
      byte[] withdrawal =
          AdapterWithdrawalCodec.encode(
              new AdapterWithdrawal(
                  old, p.manifest().createdAt(), "older than the last keep-versions=" + keep),
              signer);
      RecordHeaders headers = new RecordHeaders();
      headers.add(AdapterWithdrawalCodec.HEADER, withdrawal);
      out.add(new ProducerRecord<>(topic, partition, null, old.toString(), null, headers));
    }
    return out;
  }

  /** Refuses a checkpoint the broker or producer would reject. */
  public void requireCheckpointFits(String key, byte[] value, String what) {
    requireFits(
        key,
        value,
        maxCheckpointBytes,
        what,
        "lower replay-buffer, holdout-max-queries or eval-pool-max-docs");
  }

  /**
   * Refuses a record the broker or producer would reject, before it can fail a transaction.
   *
   * @param remedy what to change besides max-record-bytes
   */
  public static void requireFits(String key, byte[] value, int limit, String what, String remedy) {
    long size =
        (long) key.getBytes(StandardCharsets.UTF_8).length + value.length + RECORD_OVERHEAD_BYTES;
    if (size > limit) {
      throw new RecordTooLargeException(
          what
              + " is "
              + value.length
              + " bytes but records are limited to "
              + limit
              + " bytes (the smaller of"
              + " max-record-bytes and the topic's max.message.bytes, less "
              + RECORD_OVERHEAD_BYTES
              + " bytes of framing)."
              + " Raise max-record-bytes and the topic's max.message.bytes together (the broker's message.max.bytes caps"
              + " both), or "
              + remedy);
    }
  }

  /** A record that does not fit; the message names the sizes and the settings to change. */
  public static final class RecordTooLargeException extends IllegalStateException {
    RecordTooLargeException(String message) {
      super(message);
    }
  }
}
