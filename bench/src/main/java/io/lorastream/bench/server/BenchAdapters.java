package io.lorastream.bench.server;

import io.lorastream.model.BaseModelId;
import io.lorastream.model.adapter.AdaptationMode;
import io.lorastream.model.adapter.AdapterManifest;
import io.lorastream.model.adapter.AdapterRecordCodec;
import io.lorastream.model.adapter.AdapterShapes;
import io.lorastream.model.adapter.AdapterSigner;
import io.lorastream.model.adapter.PeftAdapterFiles;
import io.lorastream.model.encoder.EncoderConfig;
import io.lorastream.model.lora.AdapterWeights;
import io.lorastream.model.lora.LoraConfig;
import io.lorastream.model.lora.LoraKey;
import io.lorastream.model.lora.LoraPairWeights;
import io.lorastream.model.lora.LoraTarget;
import io.lorastream.model.tensor.FloatTensor;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Adapter versions for the benchmark, signed and framed exactly as the trainer publishes them
 * (through {@link AdapterRecordCodec}): LoRA r=4 on query and value with random factors, so each
 * version really changes the vectors and a swap is visible in the responses.
 */
public final class BenchAdapters {

  public static final LoraConfig LORA =
      new LoraConfig(4, 8, 0.0, Set.of(LoraTarget.QUERY, LoraTarget.VALUE), false);

  private BenchAdapters() {}

  /** A and B drawn from N(0, 0.1^2) with a stable seed. */
  public static AdapterWeights randomWeights(EncoderConfig encoder, long seed) {
    Random rnd = new Random(seed);
    SortedMap<LoraKey, LoraPairWeights> pairs = new TreeMap<>();
    for (int layer = 0; layer < encoder.numLayers(); layer++) {
      for (LoraTarget t : LORA.orderedTargets()) {
        int in = AdapterShapes.inFeatures(t, encoder);
        int out = AdapterShapes.outFeatures(t, encoder);
        pairs.put(
            new LoraKey(layer, t),
            new LoraPairWeights(gaussian(rnd, LORA.rank(), in), gaussian(rnd, out, LORA.rank())));
      }
    }
    return new AdapterWeights(LORA, pairs);
  }

  private static FloatTensor gaussian(Random rnd, int rows, int cols) {
    float[] d = new float[rows * cols];
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) (rnd.nextGaussian() * 0.1);
    }
    return new FloatTensor(new int[] {rows, cols}, d);
  }

  /** The signed adapters-topic value of one version. */
  public static byte[] record(
      String adapter,
      int version,
      AdapterWeights weights,
      BaseModelId base,
      EncoderConfig encoder,
      AdaptationMode mode,
      AdapterSigner signer) {
    PeftAdapterFiles files = PeftAdapterFiles.encode(weights, base, encoder);
    AdapterManifest manifest =
        new AdapterManifest(
            adapter,
            version,
            base,
            files.weightsSha256(),
            weights.config(),
            mode,
            "mnrl",
            10L * version,
            160L * version,
            new TreeMap<>(Map.of("candidate_ndcg@10", 0.65)),
            Instant.now(),
            new TreeMap<>());
    return AdapterRecordCodec.encode(manifest, files, signer);
  }
}
