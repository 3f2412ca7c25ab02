package io.lorastream.server.adapters;

import io.lorastream.model.BaseModelId;
import io.lorastream.model.InputType;
import io.lorastream.model.adapter.AdaptationMode;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * An immutable snapshot of what the server serves: the base model, every adapter's loaded versions
 * and the pins. The registry swaps a new snapshot in atomically for every change, so a request
 * resolves its model against one consistent state and never sees a half-applied swap.
 */
public final class AdapterCatalog {

  private final ServedModel base;
  private final BaseModelId baseId;
  private final SortedMap<String, AdapterState> adapters;
  private final SortedMap<String, PinRecord> pins;
  private final boolean caughtUp;
  private final long generation;

  AdapterCatalog(
      ServedModel base,
      BaseModelId baseId,
      SortedMap<String, AdapterState> adapters,
      SortedMap<String, PinRecord> pins,
      boolean caughtUp,
      long generation) {
    this.base = base;
    this.baseId = baseId;
    this.adapters = Collections.unmodifiableSortedMap(new TreeMap<>(adapters));
    this.pins = Collections.unmodifiableSortedMap(new TreeMap<>(pins));
    this.caughtUp = caughtUp;
    this.generation = generation;
  }

  static AdapterCatalog initial(ServedModel base, BaseModelId baseId) {
    return new AdapterCatalog(base, baseId, new TreeMap<>(), new TreeMap<>(), false, 0);
  }

  public BaseModelId baseId() {
    return baseId;
  }

  ServedModel base() {
    return base;
  }

  /** Adapters with at least one loaded version, by name. */
  public SortedMap<String, AdapterState> adapters() {
    return adapters;
  }

  /** Pins by adapter name (a pin may name an adapter or version not loaded here). */
  public SortedMap<String, PinRecord> pins() {
    return pins;
  }

  /** True once the adapters topic was read to the end offsets it had when the server started. */
  public boolean caughtUp() {
    return caughtUp;
  }

  /** Increases with every change; for waiting on a change. */
  public long generation() {
    return generation;
  }

  /** The version {@code <adapter>} requests get now, or null when the adapter has none loaded. */
  public AdapterVersion serving(String adapter) {
    AdapterState s = adapters.get(adapter);
    return s == null ? null : s.serving(pins.get(adapter));
  }

  /**
   * What a request for {@code spec} runs on, without taking a reference (the registry does that).
   *
   * @throws UnknownModelException the adapter or version is not served
   * @throws NotReadyException an adapter was asked for before the adapters topic was read
   */
  Resolution resolve(ModelSpec spec, InputType type) {
    if (spec.isBase()) {
      return new Resolution(ModelSpec.BASE, ModelSpec.BASE, base, null, false);
    }
    AdapterState state = adapters.get(spec.adapter());
    if (state == null) {
      if (!caughtUp) {
        throw new NotReadyException(
            "the server is still reading the adapters topic; adapter '"
                + spec.adapter()
                + "' may yet appear");
      }
      throw new UnknownModelException(
          "The model '"
              + spec
              + "' does not exist: no adapter named '"
              + spec.adapter()
              + "' is loaded. Served: "
              + servedNames()
              + " (GET /v1/models lists them)");
    }
    AdapterVersion v;
    if (spec.version() == null) {
      v = state.serving(pins.get(spec.adapter()));
    } else {
      v = state.versions().get(spec.version());
      if (v == null) {
        throw new UnknownModelException(
            "The model '"
                + spec
                + "' does not exist: adapter '"
                + spec.adapter()
                + "' has versions "
                + state.versions().keySet()
                + " loaded (the newest K are kept)");
      }
    }
    boolean adapted = type == InputType.QUERY || v.mode() == AdaptationMode.BOTH;
    return new Resolution(v.id(), state.name(), adapted ? v.merged() : base, v, adapted);
  }

  private String servedNames() {
    return adapters.isEmpty()
        ? "'base' only"
        : "'base', "
            + adapters.keySet().stream().map(n -> "'" + n + "'").collect(Collectors.joining(", "));
  }

  AdapterCatalog withAdapter(AdapterState state) {
    TreeMap<String, AdapterState> next = new TreeMap<>(adapters);
    if (state.versions().isEmpty()) {
      next.remove(state.name());
    } else {
      next.put(state.name(), state);
    }
    return new AdapterCatalog(base, baseId, next, pins, caughtUp, generation + 1);
  }

  AdapterCatalog withPin(String adapter, PinRecord pin) {
    TreeMap<String, PinRecord> next = new TreeMap<>(pins);
    if (pin == null) {
      next.remove(adapter);
    } else {
      next.put(adapter, pin);
    }
    return new AdapterCatalog(base, baseId, adapters, next, caughtUp, generation + 1);
  }

  AdapterCatalog withCaughtUp() {
    return new AdapterCatalog(base, baseId, adapters, pins, true, generation + 1);
  }
}
