package io.lorastream.model.adapter;

import io.lorastream.model.BaseModelId;
import io.lorastream.model.encoder.EncoderConfig;
import io.lorastream.model.io.Safetensors;
import io.lorastream.model.io.SafetensorsContent;
import io.lorastream.model.io.SafetensorsFormatException;
import io.lorastream.model.lora.AdapterWeights;
import io.lorastream.model.lora.LoraConfig;
import io.lorastream.model.lora.LoraKey;
import io.lorastream.model.lora.LoraPairWeights;
import io.lorastream.model.lora.LoraTarget;
import io.lorastream.model.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The two files of Hugging Face PEFT's adapter layout, as bytes: what a folder holds and what a
 * Kafka adapter record carries. {@link #encode} is deterministic: equal weights give equal bytes.
 *
 * @param adapterConfigJson {@code adapter_config.json}
 * @param adapterModelSafetensors {@code adapter_model.safetensors}
 */
public record PeftAdapterFiles(byte[] adapterConfigJson, byte[] adapterModelSafetensors) {

  public static final String CONFIG_FILE = "adapter_config.json";
  public static final String WEIGHTS_FILE = "adapter_model.safetensors";

  /** PEFT saves with this safetensors metadata; transformers checks it when loading. */
  static final Map<String, String> WEIGHTS_METADATA = Map.of("format", "pt");

  public PeftAdapterFiles {
    adapterConfigJson = adapterConfigJson.clone();
    adapterModelSafetensors = adapterModelSafetensors.clone();
  }

  @Override
  public byte[] adapterConfigJson() {
    return adapterConfigJson.clone();
  }

  @Override
  public byte[] adapterModelSafetensors() {
    return adapterModelSafetensors.clone();
  }

  /** Hex sha256 of the safetensors bytes: the manifests' {@code adapter_sha256}. */
  public String weightsSha256() {
    return Digests.sha256Hex(adapterModelSafetensors);
  }

  /**
   * Lays out {@code weights} as PEFT does.
   *
   * @throws IllegalArgumentException when the weights do not cover every layer and target of the
   *     encoder with the right shapes (an adapter that could not be loaded back)
   */
  public static PeftAdapterFiles encode(
      AdapterWeights weights, BaseModelId base, EncoderConfig encoder) {
    LoraConfig lora = weights.config();
    SortedMap<String, FloatTensor> tensors = new TreeMap<>();
    for (int layer = 0; layer < encoder.numLayers(); layer++) {
      for (LoraTarget t : lora.orderedTargets()) {
        LoraKey key = new LoraKey(layer, t);
        LoraPairWeights pair = weights.pairs().get(key);
        if (pair == null) {
          throw new IllegalArgumentException("adapter has no factors for " + key.moduleName());
        }
        int in = AdapterShapes.inFeatures(t, encoder);
        int out = AdapterShapes.outFeatures(t, encoder);
        if (pair.inFeatures() != in || pair.outFeatures() != out) {
          throw new IllegalArgumentException(
              "factors of "
                  + key.moduleName()
                  + " are A"
                  + pair.a()
                  + " B"
                  + pair.b()
                  + " but the encoder needs A["
                  + lora.rank()
                  + ", "
                  + in
                  + "] B["
                  + out
                  + ", "
                  + lora.rank()
                  + "]");
        }
        tensors.put(PeftKeys.nameA(key), pair.a());
        tensors.put(PeftKeys.nameB(key), pair.b());
      }
    }
    if (tensors.size() != 2 * weights.pairs().size()) {
      throw new IllegalArgumentException(
          "adapter has factors for layers the encoder lacks: "
              + weights.pairs().keySet()
              + " vs "
              + encoder.numLayers()
              + " layers");
    }
    return new PeftAdapterFiles(
        PeftAdapterConfig.write(lora, base.name()), Safetensors.encode(tensors, WEIGHTS_METADATA));
  }

  /**
   * Reads the files back and checks them against {@code encoder}, in this order: config options,
   * tensor names, layers, presence of both factors, rank and shapes, finite values.
   *
   * @param configSource names {@code adapter_config.json} in error messages (a path, or a record
   *     and file)
   * @param weightsSource names {@code adapter_model.safetensors} in error messages
   */
  public LoadedAdapter decode(EncoderConfig encoder, String configSource, String weightsSource)
      throws AdapterFormatException {
    PeftAdapterConfig.Parsed parsed =
        PeftAdapterConfig.read(adapterConfigJson, encoder, configSource);
    LoraConfig lora = parsed.lora();
    SafetensorsContent content;
    try {
      content = Safetensors.decode(adapterModelSafetensors, weightsSource);
    } catch (SafetensorsFormatException e) {
      throw new AdapterFormatException(RefusalReason.MALFORMED, e.getMessage(), e);
    }

    Map<LoraKey, FloatTensor> as = new HashMap<>();
    Map<LoraKey, FloatTensor> bs = new HashMap<>();
    Map<String, String> tensorNames = new HashMap<>();
    List<String> ignored = new ArrayList<>();
    String prefix = null;
    String adapterName = null;
    for (Map.Entry<String, FloatTensor> e : content.tensors().entrySet()) {
      String name = e.getKey();
      var factor = PeftKeys.parse(name);
      if (factor.isEmpty()) {
        if (PeftKeys.isPoolerFactor(name)) {
          ignored.add(name);
          continue;
        }
        throw new AdapterFormatException(
            RefusalReason.UNSUPPORTED_ADAPTER,
            weightsSource
                + ": tensor '"
                + name
                + "' is not a LoRA factor of a BERT encoder layer (expected e.g. "
                + PeftKeys.nameA(new LoraKey(0, LoraTarget.QUERY))
                + ")");
      }
      PeftKeys.Factor f = factor.get();
      if (prefix == null) {
        prefix = f.prefix();
        adapterName = f.adapterName();
      } else if (!prefix.equals(f.prefix()) || !adapterName.equals(f.adapterName())) {
        throw Json.malformed(
            weightsSource,
            "tensor names mix prefixes or adapter names ('"
                + name
                + "' after names starting '"
                + prefix
                + "'): one file must hold one adapter");
      }
      if (f.key().layer() >= encoder.numLayers()) {
        throw new AdapterFormatException(
            RefusalReason.SHAPE_MISMATCH,
            weightsSource
                + ": tensor '"
                + name
                + "' adapts layer "
                + f.key().layer()
                + " but the encoder has "
                + encoder.numLayers()
                + " layers: the adapter was made for another base model");
      }
      if (!lora.targets().contains(f.key().target())) {
        throw Json.malformed(
            weightsSource,
            "tensor '"
                + name
                + "' adapts "
                + f.key().target().modulePath()
                + ", which target_modules in adapter_config.json does not select");
      }
      tensorNames.put(f.key() + (f.isA() ? "A" : "B"), name);
      (f.isA() ? as : bs).put(f.key(), e.getValue());
    }

    checkCoverage(as, bs, lora, encoder, weightsSource);
    SortedMap<LoraKey, LoraPairWeights> pairs = new TreeMap<>();
    for (LoraKey key : new TreeSet<>(as.keySet())) {
      FloatTensor a = as.get(key);
      FloatTensor b = bs.get(key);
      int in = AdapterShapes.inFeatures(key.target(), encoder);
      int out = AdapterShapes.outFeatures(key.target(), encoder);
      checkShape(
          a,
          new int[] {lora.rank(), in},
          tensorNames.get(key + "A"),
          "A [r, in]",
          lora,
          weightsSource);
      checkShape(
          b,
          new int[] {out, lora.rank()},
          tensorNames.get(key + "B"),
          "B [out, r]",
          lora,
          weightsSource);
      pairs.put(key, new LoraPairWeights(a, b));
    }
    for (Map.Entry<LoraKey, LoraPairWeights> p : pairs.entrySet()) {
      checkFinite(p.getValue().a(), tensorNames.get(p.getKey() + "A"), weightsSource);
      checkFinite(p.getValue().b(), tensorNames.get(p.getKey() + "B"), weightsSource);
    }
    return new LoadedAdapter(
        new AdapterWeights(lora, pairs), parsed.baseModelNameOrPath(), false, ignored, null);
  }

  private static void checkCoverage(
      Map<LoraKey, FloatTensor> as,
      Map<LoraKey, FloatTensor> bs,
      LoraConfig lora,
      EncoderConfig encoder,
      String source)
      throws AdapterFormatException {
    TreeSet<Integer> layersPresent = new TreeSet<>();
    as.keySet().forEach(k -> layersPresent.add(k.layer()));
    bs.keySet().forEach(k -> layersPresent.add(k.layer()));
    if (layersPresent.size() < encoder.numLayers()) {
      throw new AdapterFormatException(
          RefusalReason.SHAPE_MISMATCH,
          source
              + ": factors cover layers "
              + layersPresent
              + " but the encoder has "
              + encoder.numLayers()
              + " layers: the adapter was made for another base model");
    }
    for (int layer = 0; layer < encoder.numLayers(); layer++) {
      for (LoraTarget t : lora.orderedTargets()) {
        LoraKey key = new LoraKey(layer, t);
        for (boolean isA : new boolean[] {true, false}) {
          if (!(isA ? as : bs).containsKey(key)) {
            throw Json.malformed(
                source,
                "missing lora_"
                    + (isA ? "A" : "B")
                    + " for "
                    + key.moduleName()
                    + " (target_modules selects "
                    + t.modulePath()
                    + " in every layer)");
          }
        }
      }
    }
  }

  private static void checkShape(
      FloatTensor t, int[] expected, String name, String what, LoraConfig lora, String source)
      throws AdapterFormatException {
    if (!Arrays.equals(t.shape(), expected)) {
      String rankHint =
          t.rank() == 2 && (what.startsWith("A") ? t.dim(0) : t.dim(1)) != lora.rank()
              ? " (rank mismatch: adapter_config.json says r=" + lora.rank() + ")"
              : " (the adapter was made for another base model)";
      throw new AdapterFormatException(
          RefusalReason.SHAPE_MISMATCH,
          source
              + ": tensor '"
              + name
              + "' has shape "
              + Arrays.toString(t.shape())
              + " but "
              + what
              + " must be "
              + Arrays.toString(expected)
              + rankHint);
    }
  }

  private static void checkFinite(FloatTensor t, String name, String source)
      throws AdapterFormatException {
    float[] d = t.data();
    for (int i = 0; i < d.length; i++) {
      if (!Float.isFinite(d[i])) {
        throw new AdapterFormatException(
            RefusalReason.NON_FINITE,
            source
                + ": tensor '"
                + name
                + "' holds "
                + d[i]
                + " at index "
                + i
                + "; a usable adapter is finite");
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PeftAdapterFiles f
        && Arrays.equals(adapterConfigJson, f.adapterConfigJson)
        && Arrays.equals(adapterModelSafetensors, f.adapterModelSafetensors);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(adapterConfigJson) + Arrays.hashCode(adapterModelSafetensors);
  }

  @Override
  public String toString() {
    return "PeftAdapterFiles[config="
        + adapterConfigJson.length
        + " bytes, weights="
        + adapterModelSafetensors.length
        + " bytes]";
  }
}
