package io.lorastream.server.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.lorastream.model.InputType;
import io.lorastream.model.adapter.AdaptationMode;
import io.lorastream.model.adapter.AdapterKey;
import io.lorastream.model.adapter.AdapterKeys;
import io.lorastream.model.adapter.AdapterManifest;
import io.lorastream.model.adapter.AdapterWithdrawal;
import io.lorastream.model.adapter.PeftAdapterFiles;
import io.lorastream.model.lora.AdapterWeights;
import io.lorastream.model.runtime.Precision;
import io.lorastream.model.serving.EngineChoice;
import io.lorastream.model.serving.ServingEngines;
import io.lorastream.model.weights.BaseModel;
import io.lorastream.server.config.AdapterSettings;
import io.lorastream.server.metrics.ServerMetrics;
import io.lorastream.server.testing.TestAdapters;
import io.lorastream.server.testing.TestModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The registry on a tiny random encoder: retention, pins, swaps under in-flight requests, refusals.
 */
class AdapterRegistryTest {

  private static final BaseModel BASE = TestModels.tinyBase(7);

  private final ServerMetrics metrics = new ServerMetrics(new SimpleMeterRegistry());
  private AdapterRegistry registry;

  private AdapterRegistry registry(int retained, int maxAdapters) {
    registry =
        new AdapterRegistry(
            ServingEngines.open(EngineChoice.AUTO, BASE, Device.cpu(), Precision.FP32),
            BASE.id(),
            new AdapterSettings(
                AdapterKeys.generate().getPublic(),
                "test",
                retained,
                maxAdapters,
                Duration.ofSeconds(5)),
            metrics);
    registry.markCaughtUp();
    return registry;
  }

  @AfterEach
  void close() {
    if (registry != null) {
      registry.close();
    }
  }

  private void accept(String adapter, int version, AdaptationMode mode) {
    AdapterWeights w =
        TestAdapters.randomWeights(TestModels.TINY, 31L * version + adapter.hashCode());
    PeftAdapterFiles files = PeftAdapterFiles.encode(w, BASE.id(), TestModels.TINY);
    AdapterManifest m = TestAdapters.manifest(adapter, version, BASE.id(), files, mode);
    registry.accept(m, w, Instant.now(), true);
  }

  private static PinRecord pin(String adapter, int version) {
    return new PinRecord(
        adapter, version, PinRecord.Action.PIN, null, Instant.now(), "test", "id-" + version);
  }

  private Resolution query(String model) {
    return registry.acquire(ModelSpec.parse(model, "tiny"), InputType.QUERY);
  }

  @Test
  void newRequestsGetTheNewVersionWhileInFlightOnesKeepTheOldUntilTheyRelease() {
    registry(1, 4);
    accept("scifact", 1, AdaptationMode.QUERY);
    Resolution inFlight = query("scifact");
    assertThat(inFlight.modelId()).isEqualTo("scifact@1");

    accept("scifact", 2, AdaptationMode.QUERY);
    Resolution next = query("scifact");
    assertThat(next.modelId()).isEqualTo("scifact@2");
    assertThat(registry.catalog().adapters().get("scifact").versions()).containsOnlyKeys(2);
    assertThat(inFlight.served().closed())
        .as("v1 is out of the catalog but still in use")
        .isFalse();

    inFlight.release();
    assertThat(inFlight.served().closed()).as("closed once its last request is done").isTrue();
    next.release();
    assertThat(next.served().closed()).isFalse();
  }

  @Test
  void theNewestKVersionsAreKeptAndOlderOnesAreNotLoaded() {
    registry(2, 4);
    accept("scifact", 1, AdaptationMode.QUERY);
    accept("scifact", 2, AdaptationMode.QUERY);
    accept("scifact", 3, AdaptationMode.QUERY);
    assertThat(registry.catalog().adapters().get("scifact").versions()).containsOnlyKeys(2, 3);
    assertThat(registry.wouldRetain(new AdapterKey("scifact", 1))).isFalse();
    accept("scifact", 1, AdaptationMode.QUERY);
    assertThat(registry.catalog().adapters().get("scifact").versions()).containsOnlyKeys(2, 3);
    assertThatThrownBy(() -> query("scifact@1"))
        .isInstanceOf(UnknownModelException.class)
        .hasMessageContaining("has versions [2, 3] loaded");
    Resolution exact = query("scifact@2");
    assertThat(exact.modelId()).isEqualTo("scifact@2");
    exact.release();
  }

  @Test
  void aPinHoldsItsVersionAgainstNewerOnesUntilUnpinned() {
    registry(2, 4);
    accept("scifact", 1, AdaptationMode.QUERY);
    accept("scifact", 2, AdaptationMode.QUERY);
    registry.pin("scifact", pin("scifact", 1));
    accept("scifact", 3, AdaptationMode.QUERY);
    accept("scifact", 4, AdaptationMode.QUERY);
    AdapterState s = registry.catalog().adapters().get("scifact");
    assertThat(s.versions()).as("newest two plus the pinned one").containsOnlyKeys(1, 3, 4);
    assertThat(registry.catalog().serving("scifact").version()).isEqualTo(1);
    Resolution pinned = query("scifact");
    assertThat(pinned.modelId()).isEqualTo("scifact@1");
    pinned.release();

    ServedModel v1 = s.versions().get(1).merged();
    registry.pin("scifact", null);
    assertThat(registry.catalog().serving("scifact").version()).isEqualTo(4);
    assertThat(registry.catalog().adapters().get("scifact").versions()).containsOnlyKeys(3, 4);
    assertThat(v1.closed()).isTrue();
  }

  @Test
  void aPinToAVersionNotLoadedLeavesTheNewestServing() {
    registry(2, 4);
    accept("scifact", 5, AdaptationMode.QUERY);
    registry.pin("scifact", pin("scifact", 9));
    assertThat(registry.catalog().serving("scifact").version()).isEqualTo(5);
  }

  private static AdapterWithdrawal withdrawal(String adapter, int version) {
    return new AdapterWithdrawal(new AdapterKey(adapter, version), Instant.now(), "test");
  }

  @Test
  void aSignedWithdrawalWithdrawsItsVersion() {
    registry(3, 4);
    accept("scifact", 1, AdaptationMode.QUERY);
    accept("scifact", 2, AdaptationMode.QUERY);
    registry.withdraw(withdrawal("scifact", 2));
    assertThat(registry.catalog().serving("scifact").version()).isEqualTo(1);
    registry.withdraw(withdrawal("scifact", 1));
    assertThat(registry.catalog().adapters()).isEmpty();
    assertThatThrownBy(() -> query("scifact")).isInstanceOf(UnknownModelException.class);
  }

  @Test
  void anUnsignedTombstoneTakesNothingAwayAndIsCounted() {
    registry(3, 4);
    accept("scifact", 1, AdaptationMode.QUERY);
    accept("scifact", 2, AdaptationMode.QUERY);
    registry.ignoreTombstone(new AdapterKey("scifact", 2));
    assertThat(registry.catalog().serving("scifact").version()).isEqualTo(2);
    assertThat(registry.catalog().adapters().get("scifact").versions()).containsOnlyKeys(1, 2);
    assertThat(metrics.refusedCount(AdapterRegistry.UNSIGNED_TOMBSTONE)).isEqualTo(1);
  }

  @Test
  void aWithdrawnVersionReadAgainIsRefused() {
    registry(3, 4);
    accept("scifact", 1, AdaptationMode.QUERY);
    accept("scifact", 2, AdaptationMode.QUERY);
    registry.withdraw(withdrawal("scifact", 2));
    accept("scifact", 2, AdaptationMode.QUERY);
    assertThat(registry.catalog().adapters().get("scifact").versions()).containsOnlyKeys(1);
    assertThat(metrics.refusedCount(AdapterRegistry.WITHDRAWN)).isEqualTo(1);
    assertThat(registry.isWithdrawn(new AdapterKey("scifact", 2))).isTrue();
    assertThat(registry.isWithdrawn(new AdapterKey("scifact", 1))).isFalse();
  }

  @Test
  void documentsOfAQueryModeAdapterRunOnTheBaseAndOfABothModeAdapterOnTheAdapter() {
    registry(2, 4);
    accept("queries", 1, AdaptationMode.QUERY);
    accept("both", 1, AdaptationMode.BOTH);
    ServedModel base = registry.catalog().base();
    Resolution doc = registry.acquire(ModelSpec.parse("queries", "tiny"), InputType.DOCUMENT);
    assertThat(doc.served()).isSameAs(base);
    assertThat(doc.adapted()).isFalse();
    assertThat(doc.modelId())
        .as("the header still names the version whose policy applied")
        .isEqualTo("queries@1");
    Resolution q = registry.acquire(ModelSpec.parse("queries", "tiny"), InputType.QUERY);
    assertThat(q.served()).isNotSameAs(base);
    Resolution bothDoc = registry.acquire(ModelSpec.parse("both", "tiny"), InputType.DOCUMENT);
    assertThat(bothDoc.served()).isNotSameAs(base);
    doc.release();
    q.release();
    bothDoc.release();
  }

  @Test
  void adaptersBeyondTheCapAreRefusedAndCounted() {
    registry(2, 1);
    accept("scifact", 1, AdaptationMode.QUERY);
    accept("nfcorpus", 1, AdaptationMode.QUERY);
    assertThat(registry.catalog().adapters()).containsOnlyKeys("scifact");
    assertThat(metrics.refusedCount(AdapterRegistry.TOO_MANY_ADAPTERS)).isEqualTo(1);
  }

  @Test
  void beforeCatchUpAnUnknownAdapterIsNotReadyRatherThanMissing() {
    registry =
        new AdapterRegistry(
            ServingEngines.open(EngineChoice.AUTO, BASE, Device.cpu(), Precision.FP32),
            BASE.id(),
            new AdapterSettings(
                AdapterKeys.generate().getPublic(), "test", 2, 4, Duration.ofSeconds(5)),
            metrics);
    assertThatThrownBy(() -> query("scifact")).isInstanceOf(NotReadyException.class);
    Resolution base = query("base");
    assertThat(base.modelId()).isEqualTo("base");
    base.release();
  }
}
