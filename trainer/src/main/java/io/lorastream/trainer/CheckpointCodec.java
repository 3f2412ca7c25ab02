package io.lorastream.trainer;

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
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
 * 4       2     format version (u16), currently 2
 * 6       4     J = length of the gzipped JSON (u32), then J bytes: everything but tensors
 * .       4     T = tensors length (u32), then T bytes: safetensors with the adapter, AdamW moments and the
 *               published version's weights, float32 bit for bit
 * </pre>
 *
 * Tensors go through safetensors so floats survive exactly (resume must be bit-exact); the JSON part
 * carries texts (pending and replayed pairs, the evaluation set) and is gzipped because texts compress
 * well. Readers accept this version only and name the version they found otherwise.
 */
public final class CheckpointCodec {

  public static final int FORMAT_VERSION = 2;
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
      return new LoraJson(c.rank(), c.alpha(), c.dropout(), c.orderedTargets().stream().map(LoraTarget::configName).toList(), c.useRslora());
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

  public static byte[] encode(AdapterCheckpoint c) {
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
            c.adapter(), c.inputTopic(), c.inputPartition(), c.inputOffset(), LoraJson.of(t.adapter().config()),
            t.optimizer().step(), names, t.seed(), t.lossScale(), c.randomState(), c.pending(), c.pendingSinceMs(),
            c.replay(), c.replayOffered(), c.ledger(), c.pairsReplayed(), c.counters(), c.heldOutQueries(), c.pool(),
            c.knownPositives(), c.publishedVersion(), c.publishedWeights() == null ? null : LoraJson.of(c.publishedWeights().config()),
            c.newestUnpublishedEventMs(), c.stepsAtLastGate(), c.averagedWeights() != null);
    byte[] json = gzip(body);
    byte[] weights = Safetensors.encode(tensors, Map.of("format", "lorastream-checkpoint"));
    ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 2 + 4 + json.length + 4 + weights.length);
    out.put(MAGIC).putShort((short) FORMAT_VERSION);
    out.putInt(json.length).put(json);
    out.putInt(weights.length).put(weights);
    return out.array();
  }

  /**
   * Reads a checkpoint.
   *
   * @param source names the record in errors, e.g. {@code trainer-checkpoints-2@1234}
   * @throws IllegalArgumentException naming the source and the defect
   */
  public static AdapterCheckpoint decode(byte[] value, String source) {
    try {
      ByteBuffer in = ByteBuffer.wrap(value);
      if (value.length < 14 || !Arrays.equals(value, 0, 4, MAGIC, 0, 4)) {
        throw new IllegalArgumentException("not a lorastream checkpoint (no 'LSCK' magic)");
      }
      in.position(4);
      int version = Short.toUnsignedInt(in.getShort());
      if (version != FORMAT_VERSION) {
        throw new IllegalArgumentException(
            "checkpoint format version " + version + " is not supported; this trainer reads version " + FORMAT_VERSION);
      }
      Body body = JSON.readValue(gunzip(section(in, "json")), Body.class);
      SafetensorsContent content = Safetensors.decode(section(in, "tensors"), source + " tensors");
      Map<String, FloatTensor> tensors = content.tensors();
      AdapterWeights adapter = weights(tensors, "adapter/", body.lora().toConfig());
      List<AdamWState.ParameterState> moments = new ArrayList<>();
      for (String name : body.optimizerParameters()) {
        moments.add(new AdamWState.ParameterState(name, tensor(tensors, "adam_m/" + name), tensor(tensors, "adam_v/" + name)));
      }
      TrainingState training =
          new TrainingState(adapter, new AdamWState(body.optimizerStep(), moments), body.seed(), body.lossScale());
      AdapterWeights published =
          body.publishedLora() == null ? null : weights(tensors, "published/", body.publishedLora().toConfig());
      return new AdapterCheckpoint(
          body.adapter(), body.inputTopic(), body.inputPartition(), body.inputOffset(), training, body.randomState(),
          body.pending(), body.pendingSinceMs(), body.replay(), body.replayOffered(), body.ledger(), body.pairsReplayed(),
          body.counters(), body.heldOutQueries(), body.pool(), body.knownPositives(), body.publishedVersion(), published,
          body.newestUnpublishedEventMs(), body.stepsAtLastGate(),
          body.averaged() ? weights(tensors, "averaged/", body.lora().toConfig()) : null);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("checkpoint " + source + " is unreadable: " + e.getMessage(), e);
    }
  }

  private static void putWeights(SortedMap<String, FloatTensor> out, String prefix, AdapterWeights w) {
    w.pairs().forEach((key, pair) -> {
      out.put(prefix + key.moduleName() + ".lora_A", pair.a());
      out.put(prefix + key.moduleName() + ".lora_B", pair.b());
    });
  }

  private static AdapterWeights weights(Map<String, FloatTensor> tensors, String prefix, LoraConfig config) {
    SortedMap<LoraKey, LoraPairWeights> pairs = new TreeMap<>();
    for (Map.Entry<String, FloatTensor> e : tensors.entrySet()) {
      String name = e.getKey();
      if (name.startsWith(prefix) && name.endsWith(".lora_A")) {
        String module = name.substring(prefix.length(), name.length() - ".lora_A".length());
        pairs.put(moduleKey(module), new LoraPairWeights(e.getValue(), tensor(tensors, prefix + module + ".lora_B")));
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
      throw new IllegalArgumentException("truncated: the " + what + " needs " + n + " bytes, " + in.remaining() + " remain");
    }
    byte[] b = new byte[(int) n];
    in.get(b);
    return b;
  }

  private static byte[] gzip(Body body) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
        JSON.writeValue(gz, body);
      }
      return bytes.toByteArray();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("checkpoint JSON could not be written: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] gunzip(byte[] b) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(b))) {
      return in.readAllBytes();
    }
  }
}
