package io.lorastream.server.adapters;

import io.lorastream.model.BaseModelId;
import io.lorastream.model.InputType;
import io.lorastream.model.adapter.AdapterKey;
import io.lorastream.model.adapter.AdapterManifest;
import io.lorastream.model.adapter.AdapterWithdrawal;
import io.lorastream.model.adapter.AdapterWithdrawalCodec;
import io.lorastream.model.lora.AdapterWeights;
import io.lorastream.model.serving.ServingEngine;
import io.lorastream.model.serving.ServingModel;
import io.lorastream.model.tokenize.TokenBatch;
import io.lorastream.server.config.AdapterSettings;
import io.lorastream.server.metrics.ServerMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns what the server serves. Requests read the current {@link AdapterCatalog} (an immutable
 * snapshot in an {@link AtomicReference}) and take a reference on the encoder they will run on; the
 * adapter watcher, the only writer, loads new versions off the request path and then swaps a new
 * snapshot in. Versions that leave the catalog are retired: their encoders close when the last
 * request using them is done.
 */
public final class AdapterRegistry implements AutoCloseable {

  /** Refusal reasons of the server itself, beside the verifier's {@code RefusalReason} tags. */
  public static final String TOO_MANY_ADAPTERS = "too_many_adapters";

  public static final String LOAD_FAILED = "load_failed";

  /**
   * A tombstone without the publisher's signed withdrawal: ignored, whatever it names keeps being
   * served.
   */
  public static final String UNSIGNED_TOMBSTONE = "unsigned_tombstone";

  /** A signed version that was withdrawn (with a signed withdrawal) and appeared again. */
  public static final String WITHDRAWN = "withdrawn";

  /**
   * Withdrawn versions remembered per adapter (the newest), so that a replayed record cannot bring
   * one back.
   */
  static final int WITHDRAWN_REMEMBERED = 1024;

  private static final Logger LOG = LoggerFactory.getLogger(AdapterRegistry.class);

  private final ServingEngine engine;
  private final AdapterSettings settings;
  private final ServerMetrics metrics;
  private final AtomicReference<AdapterCatalog> catalog;
  private final List<Waiter> waiters = new CopyOnWriteArrayList<>();
  // adapter -> withdrawn versions; only signed withdrawals add to it, so only the publisher's
  // adapter names
  private final Map<String, TreeSet<Integer>> withdrawn = new HashMap<>();

  private record Waiter(
      Predicate<AdapterCatalog> condition, CompletableFuture<AdapterCatalog> future) {}

  /**
   * @param engine what serves the base and loads versions; the registry closes it on {@link
   *     #close}, once the base's last request is done
   */
  public AdapterRegistry(
      ServingEngine engine, BaseModelId baseId, AdapterSettings settings, ServerMetrics metrics) {
    this.engine = engine;
    this.settings = settings;
    this.metrics = metrics;
    this.catalog =
        new AtomicReference<>(
            AdapterCatalog.initial(new ServedModel(ModelSpec.BASE, engineBase(engine)), baseId));
  }

  /** The engine's base model, whose release frees the whole engine. */
  private static ServingModel engineBase(ServingEngine engine) {
    return new ServingModel() {
      @Override
      public float[][] embed(TokenBatch batch) {
        return engine.base().embed(batch);
      }

      @Override
      public void close() {
        engine.close();
      }
    };
  }

  public AdapterCatalog catalog() {
    return catalog.get();
  }

  public AdapterSettings settings() {
    return settings;
  }

  /**
   * Resolves a request's model and takes a reference on the encoder it runs on; the caller must
   * {@link Resolution#release} it when the vectors are copied out.
   *
   * @throws UnknownModelException the model or version is not served (404)
   * @throws NotReadyException an adapter was asked for before the adapters topic was read (503)
   */
  public Resolution acquire(ModelSpec spec, InputType type) {
    while (true) {
      Resolution r = catalog.get().resolve(spec, type);
      if (r.served().tryAcquire()) {
        return r;
      }
      // retired between our read and our acquire: the snapshot without it is already published
    }
  }

  /** Called with every successful response: measures swap latency on a version's first response. */
  public void served(Resolution r) {
    AdapterVersion v = r.version();
    if (v != null && v.live() && v.markFirstServed()) {
      metrics.swapLatency(v.adapter(), Duration.between(v.publishedAt(), Instant.now()));
    }
  }

  /**
   * Completes with the first catalog (this one or a later one) that satisfies {@code condition}.
   */
  public CompletableFuture<AdapterCatalog> when(Predicate<AdapterCatalog> condition) {
    CompletableFuture<AdapterCatalog> f = new CompletableFuture<>();
    Waiter w = new Waiter(condition, f);
    waiters.add(w);
    f.whenComplete((c, e) -> waiters.remove(w));
    AdapterCatalog now = catalog.get();
    if (condition.test(now)) {
      f.complete(now);
    }
    return f;
  }

  /**
   * Whether a version not yet loaded would be kept (newest K or pinned); older ones need not be
   * verified.
   */
  public boolean wouldRetain(AdapterKey key) {
    AdapterCatalog cur = catalog.get();
    AdapterState state = cur.adapters().get(key.adapter());
    if (state == null) {
      return true;
    }
    return state.versions().containsKey(key.version())
        || state.wouldRetain(
            key.version(), settings.retainedVersions(), pinnedVersion(cur, key.adapter()));
  }

  /**
   * Loads a verified version and swaps it in. Runs on the watcher thread, never on a request
   * thread.
   *
   * @param publishedAt the record's timestamp
   * @param live published after start-up catch-up (its swap latency is measured)
   */
  public synchronized void accept(
      AdapterManifest manifest, AdapterWeights weights, Instant publishedAt, boolean live) {
    AdapterKey key = manifest.key();
    String name = key.adapter();
    if (isWithdrawn(key)) {
      refuse(
          WITHDRAWN,
          key.toString(),
          "adapter record "
              + key
              + " is signed, but its publisher withdrew that version"
              + " (a signed withdrawal was read before); a replayed record does not bring it back");
      return;
    }
    AdapterCatalog cur = catalog.get();
    AdapterState state = cur.adapters().get(name);
    if (state == null && cur.adapters().size() >= settings.maxAdapters()) {
      refuse(
          TOO_MANY_ADAPTERS,
          key.toString(),
          "adapter record "
              + key
              + " is for a new adapter but "
              + cur.adapters().size()
              + " adapters are served"
              + " already (max-adapters="
              + settings.maxAdapters()
              + "); raise max-adapters to serve it");
      return;
    }
    if (state == null) {
      state = AdapterState.empty(name);
    }
    Integer pinned = pinnedVersion(cur, name);
    AdapterVersion replaced = state.versions().get(key.version());
    if (replaced == null
        && !state.wouldRetain(key.version(), settings.retainedVersions(), pinned)) {
      LOG.info(
          "adapter {} is older than the {} newest loaded versions {}; not loaded",
          key,
          settings.retainedVersions(),
          state.versions().keySet());
      return;
    }
    if (replaced != null && replaced.manifest().equals(manifest)) {
      LOG.debug("adapter {} read again with the same manifest; kept", key);
      return;
    }
    ServedModel merged;
    try {
      merged = load(ModelSpec.versionId(name, key.version()), weights);
    } catch (RuntimeException e) {
      refuse(
          LOAD_FAILED,
          key.toString(),
          "adapter " + key + " verified but could not be loaded onto the base: " + e);
      return;
    }
    Instant now = Instant.now();
    AdapterVersion v = new AdapterVersion(manifest, publishedAt, now, merged, live);
    AdapterState next = state.with(v);
    List<AdapterVersion> dropped =
        new ArrayList<>(next.beyondRetention(settings.retainedVersions(), pinned));
    for (AdapterVersion d : dropped) {
      next = next.without(d.version());
    }
    if (replaced != null) {
      dropped.add(replaced);
    }
    publish(cur.withAdapter(next));
    retire(dropped);
    registerGauges(name);
    Duration age = Duration.between(publishedAt, now);
    if (live) {
      metrics.activationLatency(name, age);
    }
    AdapterVersion serving = catalog.get().serving(name);
    LOG.info(
        "adapter {} loaded ({} mode, published {} ms before){}; '{}' requests get {}; loaded versions {}",
        v.id(),
        manifest.adaptationMode().configName(),
        age.toMillis(),
        replaced != null ? ", replacing a record" + " with the same key" : "",
        name,
        serving.id(),
        next.versions().keySet());
  }

  /**
   * A signed withdrawal: the version leaves the catalog (if loaded) and is never loaded again by
   * this registry. Requests still running on it finish first.
   */
  public synchronized void withdraw(AdapterWithdrawal withdrawal) {
    AdapterKey key = withdrawal.key();
    TreeSet<Integer> gone = withdrawn.computeIfAbsent(key.adapter(), a -> new TreeSet<>());
    gone.add(key.version());
    while (gone.size() > WITHDRAWN_REMEMBERED) {
      gone.pollFirst();
    }
    AdapterCatalog cur = catalog.get();
    AdapterState state = cur.adapters().get(key.adapter());
    AdapterVersion v = state == null ? null : state.versions().get(key.version());
    if (v == null) {
      LOG.debug(
          "adapter {} withdrawn by its publisher ({}); it was not loaded here",
          key,
          withdrawal.reason());
      return;
    }
    AdapterState next = state.without(key.version());
    publish(cur.withAdapter(next));
    retire(List.of(v));
    if (next.versions().isEmpty()) {
      metrics.removeAdapterGauges(key.adapter());
    }
    AdapterVersion serving = catalog.get().serving(key.adapter());
    LOG.info(
        "adapter {} withdrawn by its publisher at {} ({}); '{}' requests get {}",
        v.id(),
        withdrawal.withdrawnAt(),
        withdrawal.reason(),
        key.adapter(),
        serving == null ? "404 (no version left)" : serving.id());
  }

  /**
   * A tombstone without a signed withdrawal. Anyone who can write the topic can write one, so it
   * takes nothing away: the version goes on being served (and stays retained). Counted as refused
   * ({@link #UNSIGNED_TOMBSTONE}).
   */
  public void ignoreTombstone(AdapterKey key) {
    AdapterState state = catalog.get().adapters().get(key.adapter());
    boolean loaded = state != null && state.versions().containsKey(key.version());
    metrics.refused(UNSIGNED_TOMBSTONE);
    if (loaded) {
      LOG.warn(
          "refused adapter record {} ({}): a tombstone without the publisher's signed withdrawal; {} stays"
              + " served (withdrawing a version needs a tombstone with the '{}' header the trainer writes)",
          key,
          UNSIGNED_TOMBSTONE,
          key,
          AdapterWithdrawalCodec.HEADER);
    } else {
      LOG.info(
          "ignored a tombstone of {} without a signed withdrawal ({}; the version is not loaded here)",
          key,
          UNSIGNED_TOMBSTONE);
    }
  }

  /** Whether a signed withdrawal of this version was read. */
  public synchronized boolean isWithdrawn(AdapterKey key) {
    TreeSet<Integer> gone = withdrawn.get(key.adapter());
    return gone != null && gone.contains(key.version());
  }

  /** Applies a pin, or an unpin when {@code pin} is null. */
  public synchronized void pin(String adapter, PinRecord pin) {
    AdapterCatalog cur = catalog.get();
    AdapterCatalog next = cur.withPin(adapter, pin);
    List<AdapterVersion> dropped = List.of();
    AdapterState state = next.adapters().get(adapter);
    if (pin == null && state != null) {
      // an older version kept only for its pin goes now
      dropped = state.beyondRetention(settings.retainedVersions(), null);
      AdapterState kept = state;
      for (AdapterVersion d : dropped) {
        kept = kept.without(d.version());
      }
      next = next.withAdapter(kept);
    }
    publish(next);
    retire(dropped);
    AdapterVersion serving = next.serving(adapter);
    if (pin == null) {
      LOG.info(
          "adapter '{}' unpinned; its requests get {}",
          adapter,
          serving == null ? "404" : serving.id());
    } else if (state == null || !state.versions().containsKey(pin.version())) {
      LOG.warn(
          "adapter '{}' pinned to version {} ({} from {}), which is not loaded here (loaded: {}); serving {}"
              + " until it is",
          adapter,
          pin.version(),
          pin.action().json(),
          pin.instance(),
          state == null ? "none" : state.versions().keySet(),
          serving == null ? "404" : serving.id());
    } else {
      LOG.info(
          "adapter '{}' pinned to {} ({} by {})",
          adapter,
          serving.id(),
          pin.action().json(),
          pin.instance());
    }
  }

  /** The adapters topic has been read to the end offsets it had at start: the server is ready. */
  public synchronized void markCaughtUp() {
    publish(catalog.get().withCaughtUp());
  }

  /** Logs and counts a refused record; whatever was served goes on being served. */
  public void refuse(String reasonTag, String subject, String detail) {
    metrics.refused(reasonTag);
    LOG.warn("refused adapter record {} ({}): {}", subject, reasonTag, detail);
  }

  private ServedModel load(String id, AdapterWeights weights) {
    return new ServedModel(id, engine.withAdapter(weights));
  }

  private void publish(AdapterCatalog next) {
    catalog.set(next);
    for (Waiter w : waiters) {
      if (!w.future().isDone() && w.condition().test(next)) {
        w.future().complete(next);
      }
    }
  }

  private static void retire(List<AdapterVersion> versions) {
    for (AdapterVersion v : versions) {
      v.merged().retire();
    }
  }

  private static Integer pinnedVersion(AdapterCatalog c, String adapter) {
    PinRecord p = c.pins().get(adapter);
    return p == null ? null : p.version();
  }

  private void registerGauges(String name) {
    metrics.adapterGauges(
        name,
        () -> {
          AdapterVersion v = catalog.get().serving(name);
          return v == null ? Double.NaN : v.version();
        },
        () -> catalog.get().pins().containsKey(name) ? 1 : 0);
  }

  /** Retires every version and the base; models close as their last requests finish. */
  @Override
  public synchronized void close() {
    AdapterCatalog last = catalog.get();
    for (AdapterState s : last.adapters().values()) {
      retire(new ArrayList<>(s.versions().values()));
    }
    last.base().retire();
    waiters.forEach(w -> w.future().cancel(false));
  }
}
