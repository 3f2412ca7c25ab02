package io.lorastream.model.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.lorastream.model.encoder.EncoderConfig;
import io.lorastream.model.tensor.FloatTensor;
import io.lorastream.model.tensor.OwnedArrays;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A LoRA adapter on the device: the A [r, in] and B [out, r] factors of every adapted linear, as
 * float32 NDArrays in a manager this object owns. Trainable adapters mark their factors as
 * requiring gradients; the base weights never do.
 */
public final class LoraAdapter implements AutoCloseable {

  private final LoraConfig config;
  private final NDManager manager;
  private final SortedMap<LoraKey, NDArray> a;
  private final SortedMap<LoraKey, NDArray> b;

  private LoraAdapter(
      LoraConfig config,
      NDManager manager,
      SortedMap<LoraKey, NDArray> a,
      SortedMap<LoraKey, NDArray> b) {
    this.config = config;
    this.manager = manager;
    this.a = Collections.unmodifiableSortedMap(a);
    this.b = Collections.unmodifiableSortedMap(b);
  }

  /**
   * A fresh adapter as PEFT initialises one: A ~ kaiming-uniform with a = sqrt(5), i.e.
   * U(-1/sqrt(in), 1/sqrt(in)), and B = 0, so the adapted model starts equal to the base.
   *
   * @param seed seeds A; the same seed gives the same adapter on any device
   */
  public static LoraAdapter initialize(
      LoraConfig config, EncoderConfig encoder, long seed, NDManager parent, boolean trainable) {
    SplittableRandom random = new SplittableRandom(seed);
    TreeMap<LoraKey, LoraPairWeights> pairs = new TreeMap<>();
    for (int layer = 0; layer < encoder.numLayers(); layer++) {
      for (LoraTarget target : config.orderedTargets()) {
        int in = inFeatures(target, encoder);
        int out = outFeatures(target, encoder);
        float bound = (float) (1.0 / Math.sqrt(in));
        float[] aData = new float[config.rank() * in];
        for (int i = 0; i < aData.length; i++) {
          aData[i] = (float) (random.nextDouble() * 2 - 1) * bound;
        }
        pairs.put(
            new LoraKey(layer, target),
            new LoraPairWeights(
                new FloatTensor(new int[] {config.rank(), in}, aData),
                FloatTensor.zeros(out, config.rank())));
      }
    }
    return fromWeights(new AdapterWeights(config, pairs), parent, trainable);
  }

  /** Puts host weights on {@code parent}'s device. */
  public static LoraAdapter fromWeights(
      AdapterWeights weights, NDManager parent, boolean trainable) {
    NDManager manager = parent.newSubManager();
    TreeMap<LoraKey, NDArray> a = new TreeMap<>();
    TreeMap<LoraKey, NDArray> b = new TreeMap<>();
    weights
        .pairs()
        .forEach(
            (key, pair) -> {
              a.put(key, toDevice(manager, pair.a(), trainable));
              b.put(key, toDevice(manager, pair.b(), trainable));
            });
    return new LoraAdapter(weights.config(), manager, a, b);
  }

  private static NDArray toDevice(NDManager manager, FloatTensor t, boolean trainable) {
    NDArray array = OwnedArrays.of(manager, t.data(), new Shape(t.longShape()));
    if (trainable) {
      array.setRequiresGradient(true);
    }
    return array;
  }

  /**
   * A copy of every factor in {@code dtype}, as new leaves (trainable if asked): mixed precision
   * runs forward and backward on FP16 working copies and updates the float32 masters from their
   * gradients. The copy owns its own memory; close it.
   */
  public LoraAdapter workingCopy(DataType dtype, boolean trainable) {
    NDManager copyManager = manager.newSubManager();
    TreeMap<LoraKey, NDArray> ca = new TreeMap<>();
    TreeMap<LoraKey, NDArray> cb = new TreeMap<>();
    for (LoraKey key : a.keySet()) {
      ca.put(key, leafCopy(a.get(key), dtype, copyManager, trainable));
      cb.put(key, leafCopy(b.get(key), dtype, copyManager, trainable));
    }
    return new LoraAdapter(config, copyManager, ca, cb);
  }

  private static NDArray leafCopy(NDArray x, DataType dtype, NDManager target, boolean trainable) {
    NDArray copy = x.stopGradient().toType(dtype, true);
    copy.attach(target);
    if (trainable) {
      copy.setRequiresGradient(true);
    }
    return copy;
  }

  public LoraConfig config() {
    return config;
  }

  public float scaling() {
    return (float) config.scaling();
  }

  public boolean adapts(LoraKey key) {
    return a.containsKey(key);
  }

  /** A of {@code key}, [r, in]; null when that linear is not adapted. */
  public NDArray a(LoraKey key) {
    return a.get(key);
  }

  /** B of {@code key}, [out, r]; null when that linear is not adapted. */
  public NDArray b(LoraKey key) {
    return b.get(key);
  }

  /** Every A, in key order (one optimizer parameter group). */
  public List<NDArray> aParameters() {
    return new ArrayList<>(a.values());
  }

  /** Every B, in key order (the LoRA+ group with the larger learning rate). */
  public List<NDArray> bParameters() {
    return new ArrayList<>(b.values());
  }

  public SortedMap<LoraKey, NDArray> aByKey() {
    return a;
  }

  public SortedMap<LoraKey, NDArray> bByKey() {
    return b;
  }

  /** Copies the current factors to the host. */
  public AdapterWeights toWeights() {
    TreeMap<LoraKey, LoraPairWeights> pairs = new TreeMap<>();
    for (LoraKey key : a.keySet()) {
      pairs.put(key, new LoraPairWeights(toHost(a.get(key)), toHost(b.get(key))));
    }
    return new AdapterWeights(config, pairs);
  }

  private static FloatTensor toHost(NDArray x) {
    NDArray f = x.getDataType() == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
    long[] s = f.getShape().getShape();
    return new FloatTensor(new int[] {(int) s[0], (int) s[1]}, f.toFloatArray());
  }

  /** Input width of a target linear. */
  public static int inFeatures(LoraTarget target, EncoderConfig c) {
    return target == LoraTarget.FFN_OUT ? c.intermediateSize() : c.hiddenSize();
  }

  /** Output width of a target linear. */
  public static int outFeatures(LoraTarget target, EncoderConfig c) {
    return target == LoraTarget.FFN_IN ? c.intermediateSize() : c.hiddenSize();
  }

  @Override
  public void close() {
    manager.close();
  }
}
