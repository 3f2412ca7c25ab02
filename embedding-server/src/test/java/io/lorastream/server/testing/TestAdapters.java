package io.lorastream.server.testing;

import io.lorastream.model.BaseModelId;
import io.lorastream.model.adapter.AdaptationMode;
import io.lorastream.model.adapter.AdapterKey;
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
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Adapters for tests, made and signed as the trainer does (through {@link AdapterRecordCodec}):
 * LoRA r=4 on query and value, random factors large enough that versions give clearly different
 * vectors.
 */
public final class TestAdapters {

  public static final LoraConfig LORA =
      new LoraConfig(4, 8, 0.0, Set.of(LoraTarget.QUERY, LoraTarget.VALUE), false);

  private TestAdapters() {}

  /** Random A and B, N(0, 0.1^2) each: the merged update is comparable to the base weights. */
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

  public static AdapterManifest manifest(
      String adapter, int version, BaseModelId base, PeftAdapterFiles files, AdaptationMode mode) {
    return new AdapterManifest(
        adapter,
        version,
        base,
        files.weightsSha256(),
        LORA,
        mode,
        "mnrl",
        10L * version,
        160L * version,
        new TreeMap<>(Map.of("candidate_ndcg@10", 0.70 + version / 1000.0)),
        Instant.now(),
        new TreeMap<>());
  }

  /** A signed adapters-topic value for {@code weights}, as the trainer publishes it. */
  public static byte[] record(
      String adapter,
      int version,
      AdapterWeights weights,
      BaseModelId base,
      EncoderConfig encoder,
      AdaptationMode mode,
      AdapterSigner signer) {
    PeftAdapterFiles files = PeftAdapterFiles.encode(weights, base, encoder);
    return AdapterRecordCodec.encode(manifest(adapter, version, base, files, mode), files, signer);
  }

  public static KafkaProducer<String, byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(16 * 1024 * 1024));
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  /**
   * Publishes a value under {@code <adapter>@<version>} in the adapter's partition and waits for
   * the ack.
   */
  public static void publish(
      KafkaProducer<String, byte[]> producer,
      String topic,
      int partitions,
      AdapterKey key,
      byte[] value)
      throws Exception {
    producer
        .send(new ProducerRecord<>(topic, key.partition(partitions), key.toString(), value))
        .get();
  }
}
