package io.lorastream.model.adapter;

import io.lorastream.model.BaseModelId;
import io.lorastream.model.encoder.EncoderConfig;
import io.lorastream.model.io.SafetensorsBytes;
import io.lorastream.model.lora.AdapterWeights;
import io.lorastream.model.lora.LoraConfig;
import io.lorastream.model.lora.LoraKey;
import io.lorastream.model.lora.LoraPairWeights;
import io.lorastream.model.lora.LoraTarget;
import io.lorastream.model.tensor.FloatTensor;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/** Small encoders, bases, adapters and PEFT files for the adapter tests. */
final class Fixtures {
  private Fixtures() {}

  /** H 8, 2 layers, F 16: small enough to flip every byte of a record. */
  static final EncoderConfig TINY = new EncoderConfig(100, 8, 2, 2, 16, 32, 2, 1e-12, "gelu");

  /** A tiny BERT shape for the PEFT fixtures: H 32, 2 layers, 4 heads, F 37. */
  static final EncoderConfig TINY_BERT =
      new EncoderConfig(1124, 32, 2, 4, 37, 512, 16, 1e-12, "gelu");

  static final BaseModelId BASE = new BaseModelId("test/tiny-bert", "a".repeat(64));
  static final BaseModelId OTHER_BASE = new BaseModelId("test/tiny-bert", "b".repeat(64));

  static AdapterWeights randomWeights(LoraConfig config, EncoderConfig encoder, long seed) {
    Random rnd = new Random(seed);
    SortedMap<LoraKey, LoraPairWeights> pairs = new TreeMap<>();
    for (int layer = 0; layer < encoder.numLayers(); layer++) {
      for (LoraTarget t : config.orderedTargets()) {
        int in = AdapterShapes.inFeatures(t, encoder);
        int out = AdapterShapes.outFeatures(t, encoder);
        pairs.put(
            new LoraKey(layer, t),
            new LoraPairWeights(random(rnd, config.rank(), in), random(rnd, out, config.rank())));
      }
    }
    return new AdapterWeights(config, pairs);
  }

  private static FloatTensor random(Random rnd, int rows, int cols) {
    float[] d = new float[rows * cols];
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) rnd.nextGaussian() * 0.1f;
    }
    return new FloatTensor(new int[] {rows, cols}, d);
  }

  static LoraConfig lora(int r, LoraTarget... targets) {
    return new LoraConfig(r, 2.0 * r, 0.1, Set.of(targets), false);
  }

  static AdapterManifest manifest(
      String adapter, int version, BaseModelId base, PeftAdapterFiles files, LoraConfig lora) {
    return new AdapterManifest(
        adapter,
        version,
        base,
        files.weightsSha256(),
        lora,
        AdaptationMode.QUERY,
        "mnrl",
        120,
        1920,
        new TreeMap<>(Map.of("candidate_ndcg@10", 0.71, "published_ndcg@10", 0.6875)),
        Instant.parse("2025-03-01T12:00:00.123Z"),
        new TreeMap<>(
            Map.of("lorastream.training-pairs-0", 1000L, "lorastream.training-pairs-1", 985L)));
  }

  static byte[] resource(String path) throws IOException {
    try (InputStream in = Fixtures.class.getResourceAsStream("/" + path)) {
      if (in == null) {
        throw new IOException("missing test resource " + path);
      }
      return in.readAllBytes();
    }
  }

  /** A value exactly representable in F16 and F32, different for every position. */
  static float fixtureValue(String tensor, int i) {
    return ((Math.floorMod(tensor.hashCode() + 7 * i, 17)) - 8) / 64f;
  }

  /**
   * adapter_model.safetensors as PEFT saves it for {@code targets} on {@code encoder}: tensors
   * sorted by name (the safetensors writer's order within one dtype), {@code __metadata__
   * {"format":"pt"}}, names {@code <prefix>encoder.layer.N.<module>.lora_X<adapterSegment>.weight}.
   *
   * @param f16 store F16 (a half-precision model) instead of F32
   * @param withPooler also adapt pooler.dense, as target entry "dense" does in PEFT
   * @param expected receives the float values per (lorastream) PEFT name, for assertions
   */
  static byte[] peftWeights(
      EncoderConfig encoder,
      Set<LoraTarget> targets,
      int r,
      String prefix,
      String adapterSegment,
      boolean f16,
      boolean withPooler,
      Map<String, FloatTensor> expected) {
    SortedMap<String, int[]> shapes = new TreeMap<>();
    for (int layer = 0; layer < encoder.numLayers(); layer++) {
      for (LoraTarget t : targets) {
        String module = prefix + t.moduleName(layer);
        shapes.put(
            module + ".lora_A" + adapterSegment + ".weight",
            new int[] {r, AdapterShapes.inFeatures(t, encoder)});
        shapes.put(
            module + ".lora_B" + adapterSegment + ".weight",
            new int[] {AdapterShapes.outFeatures(t, encoder), r});
      }
    }
    if (withPooler) {
      shapes.put(
          prefix + "pooler.dense.lora_A" + adapterSegment + ".weight",
          new int[] {r, encoder.hiddenSize()});
      shapes.put(
          prefix + "pooler.dense.lora_B" + adapterSegment + ".weight",
          new int[] {encoder.hiddenSize(), r});
    }
    SafetensorsBytes b = new SafetensorsBytes().metadata("{\"format\":\"pt\"}");
    for (Map.Entry<String, int[]> e : shapes.entrySet()) {
      int n = e.getValue()[0] * e.getValue()[1];
      float[] values = new float[n];
      for (int i = 0; i < n; i++) {
        values[i] = fixtureValue(e.getKey(), i);
      }
      expected.put(e.getKey(), new FloatTensor(e.getValue(), values));
      if (f16) {
        int[] halves = new int[n];
        for (int i = 0; i < n; i++) {
          halves[i] = toF16Bits(values[i]);
        }
        b.tensor(e.getKey(), "F16", e.getValue(), SafetensorsBytes.u16(halves));
      } else {
        b.tensor(e.getKey(), "F32", e.getValue(), SafetensorsBytes.f32(values));
      }
    }
    return b.build(true);
  }

  /**
   * F16 bits of k/64 for |k| <= 8 (exact): sign, exponent and mantissa worked out from the value.
   */
  private static int toF16Bits(float v) {
    if (v == 0) {
      return 0;
    }
    int sign = v < 0 ? 0x8000 : 0;
    float a = Math.abs(v);
    int exp = Math.getExponent(a); // a = m * 2^exp, 1 <= m < 2
    int mantissa = Math.round((a / (float) Math.pow(2, exp) - 1) * 1024);
    return sign | ((exp + 15) << 10) | mantissa;
  }
}
