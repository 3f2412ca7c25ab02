package io.lorastream.trainer.checkpoint;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lorastream.model.io.Safetensors;
import io.lorastream.model.io.SafetensorsContent;
import io.lorastream.model.lora.AdapterWeights;
import io.lorastream.model.lora.LoraConfig;
import io.lorastream.model.lora.LoraKey;
import io.lorastream.model.lora.LoraPairWeights;
import io.lorastream.model.lora.LoraTarget;
import io.lorastream.model.optim.AdamWState;
import io.lorastream.model.tensor.FloatTensor;
import io.lorastream.model.train.TrainingState;
import io.lorastream.trainer.TrainerLimits;
import io.lorastream.trainer.gate.HeldOutSet;
import io.lorastream.trainer.pairs.BufferedPair;
import io.lorastream.trainer.pairs.KnownPositives;
import io.lorastream.trainer.pairs.PairLedger;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The value of a checkpoints-topic record. Big-endian:
 *
 * <pre>
 * offset  size  field
 * 0       4     magic "LSCK" (lorastream checkpoint)
 * 4       2     format version (u16), currently 3
 * 6       4     J = length of the gzipped JSON (u32), then J bytes: everything but tensors
 * .       4     T = tensors length (u32), then T bytes: safetensors with the adapter, AdamW moments and the
 *               published version's weights, float32 bit for bit
 * .       32    HMAC-SHA256 ({@link CheckpointMac}) of the adapter, the partition and every byte before it
 * </pre>
 *
 * Tensors go through safetensors so floats survive exactly (resume must be bit-exact); the JSON
 * part carries texts (pending and replayed pairs, the evaluation set) and is gzipped because texts
 * compress well. A reader checks magic, version and MAC before it decodes anything, and inflates
 * the JSON only up to a limit. Readers accept this version only and name the version they found
 * otherwise: version 2 had no MAC, so its checkpoints cannot be told from forged ones.
 */
public final class CheckpointCodec {

  public static final int FORMAT_VERSION = 3;
  private static final int HEADER_BYTES = 6;
  private static final byte[] MAGIC = "LSCK".getBytes(StandardCharsets.US_ASCII);
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setSerializationInclusion(JsonInclude.Include.ALWAYS)
          .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private CheckpointCodec() {}

  /** LoRA config as JSON. */
  record LoraJson(int rank, double alpha, double dropout, List<String> targets, boolean useRslora) {
    static LoraJson of(LoraConfig c) {
      return new LoraJson(
          c.rank(),
          c.alpha(),
          c.dropout(),
          c.orderedTargets().stream().map(LoraTarget::configName).toList(),
          c.useRslora());
    }

    LoraConfig toConfig() {
      EnumSet<LoraTarget> t = EnumSet.noneOf(LoraTarget.class);
      targets.forEach(n -> t.add(LoraTarget.parse(n)));
      return new LoraConfig(rank, alpha, dropout, t, useRslora);
    }
  }

  /** The JSON part. */
  record Body(
      String adapter,
      String inputTopic,
      int inputPartition,
      long inputOffset,
      LoraJson lora,
      long optimizerStep,
      List<String> optimizerParameters,
      long seed,
      double lossScale,
      long randomState,
      List<BufferedPair> pending,
      long pendingSinceMs,
      List<BufferedPair> replay,
      long replayOffered,
      PairLedger ledger,
      long pairsReplayed,
      SortedMap<String, Long> counters,
      List<HeldOutSet.Query> heldOutQueries,
      List<HeldOutSet.Doc> pool,
      List<KnownPositives.Entry> knownPositives,
      int publishedVersion,
      LoraJson publishedLora,
      long newestUnpublishedEventMs,
      long stepsAtLastGate,
      boolean averaged) {}

  /** Encodes with the default JSON limit ({@link TrainerLimits#DEFAULTS}). */
  public static byte[] encode(AdapterCheckpoint c, CheckpointMac mac) {
    return encode(c, mac, TrainerLimits.DEFAULTS.checkpointMaxJsonBytes());
  }

  /**
   * Encodes and authenticates a checkpoint.
   *
   * @throws IllegalStateException when the JSON part exceeds {@code maxJsonBytes} (no reader would
   *     accept it)
   */
  public static byte[] encode(AdapterCheckpoint c, CheckpointMac mac, long maxJsonBytes) {
    TrainingState t = c.training();
    SortedMap<String, FloatTensor> tensors = new TreeMap<>();
    putWeights(tensors, "adapter/", t.adapter());
    List<String> names = new ArrayList<>();
    for (AdamWState.ParameterState p : t.optimizer().parameters()) {
      names.add(p.name());
      tensors.put("adam_m/" + p.name(), p.firstMoment());
      tensors.put("adam_v/" + p.name(), p.secondMoment());
    }
    if (c.publishedWeights() != null) {
      putWeights(tensors, "published/", c.publishedWeights());
    }
    if (c.averagedWeights() != null) {
      putWeights(tensors, "averaged/", c.averagedWeights());
    }
    Body body =
        new Body(
            c.adapter(),
            c.inputTopic(),
            c.inputPartition(),
            c.inputOffset(),
            LoraJson.of(t.adapter().config()),
            t.optimizer().step(),
            names,
            t.seed(),
            t.lossScale(),
            c.randomState(),
            c.pending(),
            c.pendingSinceMs(),
            c.replay(),
            c.replayOffered(),
            c.ledger(),
            c.pairsReplayed(),
            c.counters(),
            c.heldOutQueries(),
            c.pool(),
            c.knownPositives(),
            c.publishedVersion(),
            c.publishedWeights() == null ? null : LoraJson.of(c.publishedWeights().config()),
            c.newestUnpublishedEventMs(),
            c.stepsAtLastGate(),
            c.averagedWeights() != null);
    byte[] json = gzip(body, c.adapter(), maxJsonBytes);
    byte[] weights = Safetensors.encode(tensors, Map.of("format", "lorastream-checkpoint"));
    ByteBuffer out =
        ByteBuffer.allocate(
            HEADER_BYTES + 4 + json.length + 4 + weights.length + CheckpointMac.LENGTH);
    out.put(MAGIC).putShort((short) FORMAT_VERSION);
    out.putInt(json.length).put(json);
    out.putInt(weights.length).put(weights);
    out.put(mac.mac(c.adapter(), c.inputPartition(), out.array(), out.position()));
    return out.array();
  }

  /**
   * {@link #decode(byte[], String, int, CheckpointMac, long, String)} with the default JSON limit.
   */
  public static AdapterCheckpoint decode(
      byte[] value, String key, int partition, CheckpointMac mac, String source) {
    return decode(
        value, key, partition, mac, TrainerLimits.DEFAULTS.checkpointMaxJsonBytes(), source);
  }

  /**
   * Checks that a record is an authentic checkpoint of {@code key} in {@code partition}, without
   * decoding it: magic, format version, then the MAC.
   *
   * @throws CheckpointRefused naming the source and the reason
   */
  static void authenticate(
      byte[] value, String key, int partition, CheckpointMac mac, String source) {
    if (value == null) {
      throw new CheckpointRefused(
          CheckpointRefused.Reason.TOMBSTONE, "checkpoint " + source + " is a tombstone");
    }
    if (value.length < 4 || !Arrays.equals(value, 0, 4, MAGIC, 0, 4)) {
      throw new CheckpointRefused(
          CheckpointRefused.Reason.NOT_A_CHECKPOINT,
          "checkpoint " + source + " is unreadable: not a lorastream checkpoint (no 'LSCK' magic)");
    }
    if (value.length < HEADER_BYTES + 8 + CheckpointMac.LENGTH) {
      throw new CheckpointRefused(
          CheckpointRefused.Reason.NOT_A_CHECKPOINT,
          "checkpoint "
              + source
              + " is unreadable: "
              + value.length
              + " bytes, too short for a checkpoint");
    }
    int version = Short.toUnsignedInt(ByteBuffer.wrap(value, 4, 2).getShort());
    if (version != FORMAT_VERSION) {
      throw new CheckpointRefused(
          CheckpointRefused.Reason.UNSUPPORTED_VERSION,
          "checkpoint "
              + source
              + " is unreadable: format version "
              + version
              + " is not supported; this trainer reads"
              + " version "
              + FORMAT_VERSION
              + (version < FORMAT_VERSION
                  ? " (authenticated checkpoints; an older trainer" + " wrote this one)"
                  : " (a newer trainer wrote this one)"));
    }
    if (!mac.verify(key, partition, value)) {
      throw new CheckpointRefused(
          CheckpointRefused.Reason.NOT_AUTHENTIC,
          "checkpoint "
              + source
              + " under key '"
              + key
              + "' is not authentic: its MAC does not verify with the key from "
              + mac.origin()
              + " (forged, damaged, moved from another key or partition, or written with another"
              + " checkpoint key)");
    }
  }

  /**
   * Reads a checkpoint after {@link #authenticate}: nothing is decoded before the MAC verifies, and
   * the JSON part inflates to at most {@code maxJsonBytes}.
   *
   * @param key the record key (the adapter)
   * @param partition the checkpoints-topic partition it was read from (= its input partition)
   * @param source names the record in errors, e.g. {@code trainer-checkpoints-2@1234}
   * @throws CheckpointRefused naming the source and the reason
   */
  public static AdapterCheckpoint decode(
      byte[] value,
      String key,
      int partition,
      CheckpointMac mac,
      long maxJsonBytes,
      String source) {
    authenticate(value, key, partition, mac, source);
    AdapterCheckpoint c;
    try {
      ByteBuffer in = ByteBuffer.wrap(value, 0, value.length - CheckpointMac.LENGTH);
      in.position(HEADER_BYTES);
      Body body;
      try (InputStream json =
          new LimitedInputStream(
              new GZIPInputStream(new ByteArrayInputStream(section(in, "json"))),
              maxJsonBytes,
              "checkpoint " + source + " JSON",
              "checkpoint-max-json-bytes")) {
        body = JSON.readValue(json, Body.class);
      }
      SafetensorsContent content = Safetensors.decode(section(in, "tensors"), source + " tensors");
      Map<String, FloatTensor> tensors = content.tensors();
      AdapterWeights adapter = weights(tensors, "adapter/", body.lora().toConfig());
      List<AdamWState.ParameterState> moments = new ArrayList<>();
      for (String name : body.optimizerParameters()) {
        moments.add(
            new AdamWState.ParameterState(
                name, tensor(tensors, "adam_m/" + name), tensor(tensors, "adam_v/" + name)));
      }
      TrainingState training =
          new TrainingState(
              adapter,
              new AdamWState(body.optimizerStep(), moments),
              body.seed(),
              body.lossScale());
      AdapterWeights published =
          body.publishedLora() == null
              ? null
              : weights(tensors, "published/", body.publishedLora().toConfig());
      c =
          new AdapterCheckpoint(
              body.adapter(),
              body.inputTopic(),
              body.inputPartition(),
              body.inputOffset(),
              training,
              body.randomState(),
              body.pending(),
              body.pendingSinceMs(),
              body.replay(),
              body.replayOffered(),
              body.ledger(),
              body.pairsReplayed(),
              body.counters(),
              body.heldOutQueries(),
              body.pool(),
              body.knownPositives(),
              body.publishedVersion(),
              published,
              body.newestUnpublishedEventMs(),
              body.stepsAtLastGate(),
              body.averaged() ? weights(tensors, "averaged/", body.lora().toConfig()) : null);
    } catch (IOException | RuntimeException e) {
      LimitedInputStream.LimitExceeded tooLarge = LimitedInputStream.cause(e);
      if (tooLarge != null) {
        throw new CheckpointRefused(
            CheckpointRefused.Reason.TOO_LARGE,
            "checkpoint " + source + " is refused: " + tooLarge.getMessage(),
            e);
      }
      throw new CheckpointRefused(
          CheckpointRefused.Reason.UNREADABLE,
          "checkpoint " + source + " is unreadable: " + e.getMessage(),
          e);
    }
    if (!c.adapter().equals(key) || c.inputPartition() != partition) {
      throw new CheckpointRefused(
          CheckpointRefused.Reason.UNREADABLE,
          "checkpoint "
              + source
              + " under key '"
              + key
              + "' holds adapter "
              + c.adapter()
              + " of input partition "
              + c.inputPartition());
    }
    return c;
  }

  private static void putWeights(
      SortedMap<String, FloatTensor> out, String prefix, AdapterWeights w) {
    w.pairs()
        .forEach(
            (key, pair) -> {
              out.put(prefix + key.moduleName() + ".lora_A", pair.a());
              out.put(prefix + key.moduleName() + ".lora_B", pair.b());
            });
  }

  private static AdapterWeights weights(
      Map<String, FloatTensor> tensors, String prefix, LoraConfig config) {
    SortedMap<LoraKey, LoraPairWeights> pairs = new TreeMap<>();
    for (Map.Entry<String, FloatTensor> e : tensors.entrySet()) {
      String name = e.getKey();
      if (name.startsWith(prefix) && name.endsWith(".lora_A")) {
        String module = name.substring(prefix.length(), name.length() - ".lora_A".length());
        pairs.put(
            moduleKey(module),
            new LoraPairWeights(e.getValue(), tensor(tensors, prefix + module + ".lora_B")));
      }
    }
    return new AdapterWeights(config, pairs);
  }

  /** {@code encoder.layer.3.attention.self.query} -> (3, QUERY). */
  private static LoraKey moduleKey(String module) {
    String rest = module.substring("encoder.layer.".length());
    int dot = rest.indexOf('.');
    int layer = Integer.parseInt(rest.substring(0, dot));
    String path = rest.substring(dot + 1);
    for (LoraTarget t : LoraTarget.values()) {
      if (t.modulePath().equals(path)) {
        return new LoraKey(layer, t);
      }
    }
    throw new IllegalArgumentException("unknown adapted module " + module);
  }

  private static FloatTensor tensor(Map<String, FloatTensor> tensors, String name) {
    FloatTensor t = tensors.get(name);
    if (t == null) {
      throw new IllegalArgumentException("tensor " + name + " is missing");
    }
    return t;
  }

  private static byte[] section(ByteBuffer in, String what) {
    if (in.remaining() < 4) {
      throw new IllegalArgumentException("truncated before the " + what + " length");
    }
    long n = Integer.toUnsignedLong(in.getInt());
    if (n > in.remaining()) {
      throw new IllegalArgumentException(
          "truncated: the " + what + " needs " + n + " bytes, " + in.remaining() + " remain");
    }
    byte[] b = new byte[(int) n];
    in.get(b);
    return b;
  }

  private static byte[] gzip(Body body, String adapter, long maxJsonBytes) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    long[] written = {0};
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      JSON.writeValue(
          new java.io.FilterOutputStream(gz) {
            @Override
            public void write(int b) throws IOException {
              out.write(b);
              written[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
              out.write(b, off, len);
              written[0] += len;
            }
          },
          body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "checkpoint JSON could not be written: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (written[0] > maxJsonBytes) {
      throw new IllegalStateException(
          "the checkpoint of adapter "
              + adapter
              + " has a JSON part of "
              + written[0]
              + " bytes, over"
              + " checkpoint-max-json-bytes "
              + maxJsonBytes
              + ", so no trainer would restore it: raise"
              + " checkpoint-max-json-bytes, or lower replay-buffer, max-pending-pairs, holdout-max-queries,"
              + " eval-pool-max-docs or max-text-chars");
    }
    return bytes.toByteArray();
  }
}
