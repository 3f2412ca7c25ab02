package io.lorastream.server.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.lorastream.model.adapter.AdaptationMode;
import io.lorastream.model.adapter.AdapterKey;
import io.lorastream.model.adapter.AdapterKeys;
import io.lorastream.model.adapter.AdapterSigner;
import io.lorastream.model.adapter.AdapterVerifier;
import io.lorastream.model.adapter.AdapterWithdrawal;
import io.lorastream.model.adapter.AdapterWithdrawalCodec;
import io.lorastream.model.adapter.RefusalReason;
import io.lorastream.model.runtime.Precision;
import io.lorastream.model.serving.EngineChoice;
import io.lorastream.model.serving.ServingEngines;
import io.lorastream.model.weights.BaseModel;
import io.lorastream.server.config.AdapterSettings;
import io.lorastream.server.metrics.ServerMetrics;
import io.lorastream.server.testing.TestAdapters;
import io.lorastream.server.testing.TestModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Start-up catch-up on a tiny random encoder: only authentic records hold a place, only signed
 * withdrawals remove.
 */
class CatchUpBufferTest {

  private static final BaseModel BASE = TestModels.tinyBase(11);
  private static final KeyPair KEYS = AdapterKeys.generate();
  private static final AdapterSigner SIGNER = new AdapterSigner(KEYS.getPrivate());
  private static final AdapterSigner STRANGER =
      new AdapterSigner(AdapterKeys.generate().getPrivate());

  private final ServerMetrics metrics = new ServerMetrics(new SimpleMeterRegistry());
  private final AdapterVerifier verifier =
      new AdapterVerifier(KEYS.getPublic(), BASE.id(), BASE.config());
  private AdapterRegistry registry;

  @BeforeEach
  void open() {
    registry =
        new AdapterRegistry(
            ServingEngines.open(EngineChoice.AUTO, BASE, Device.cpu(), Precision.FP32),
            BASE.id(),
            new AdapterSettings(KEYS.getPublic(), "test", 2, 4, Duration.ofSeconds(5)),
            metrics);
  }

  @AfterEach
  void close() {
    registry.close();
  }

  private static byte[] record(int version, AdapterSigner signer) {
    return TestAdapters.record(
        "scifact",
        version,
        TestAdapters.randomWeights(TestModels.TINY, version),
        BASE.id(),
        TestModels.TINY,
        AdaptationMode.QUERY,
        signer);
  }

  private static String key(int version) {
    return new AdapterKey("scifact", version).toString();
  }

  private static byte[] withdrawal(int version, AdapterSigner signer) {
    return AdapterWithdrawalCodec.encode(
        new AdapterWithdrawal(new AdapterKey("scifact", version), Instant.now(), "test"), signer);
  }

  private void drain(CatchUpBuffer buffer) {
    buffer.drainInto(verifier, registry);
    registry.markCaughtUp();
  }

  @Test
  void junkWithHigherVersionsDoesNotPushSignedVersionsOut() {
    CatchUpBuffer buffer = new CatchUpBuffer(2, Map.of());
    for (int v = 1; v <= 3; v++) {
      buffer.add(key(v), record(v, SIGNER), null, Instant.now(), verifier, registry);
    }
    // far more junk than the buffer keeps (2K = 4), all with higher versions
    for (int v = 100; v < 120; v++) {
      buffer.add(key(v), record(v, STRANGER), null, Instant.now(), verifier, registry);
      buffer.add(
          key(v + 100),
          ("junk " + v).getBytes(StandardCharsets.UTF_8),
          null,
          Instant.now(),
          verifier,
          registry);
    }
    drain(buffer);

    assertThat(registry.catalog().adapters().get("scifact").versions()).containsOnlyKeys(2, 3);
    assertThat(registry.catalog().serving("scifact").version()).isEqualTo(3);
    assertThat(metrics.refusedCount(RefusalReason.BAD_SIGNATURE.tag())).isEqualTo(20);
    assertThat(metrics.refusedCount(RefusalReason.MALFORMED.tag())).isEqualTo(20);
  }

  @Test
  void anUnsignedTombstoneIsIgnoredAndASignedWithdrawalRemovesItsVersion() {
    CatchUpBuffer buffer = new CatchUpBuffer(2, Map.of());
    for (int v = 1; v <= 3; v++) {
      buffer.add(key(v), record(v, SIGNER), null, Instant.now(), verifier, registry);
    }
    buffer.add(key(3), null, null, Instant.now(), verifier, registry);
    buffer.add(key(2), null, withdrawal(2, STRANGER), Instant.now(), verifier, registry);
    buffer.add(
        key(2),
        null,
        withdrawal(3, SIGNER),
        Instant.now(),
        verifier,
        registry); // replayed onto another key
    buffer.add(key(1), null, withdrawal(1, SIGNER), Instant.now(), verifier, registry);
    drain(buffer);

    assertThat(registry.catalog().adapters().get("scifact").versions()).containsOnlyKeys(2, 3);
    assertThat(metrics.refusedCount(AdapterRegistry.UNSIGNED_TOMBSTONE)).isEqualTo(1);
    assertThat(metrics.refusedCount(RefusalReason.BAD_SIGNATURE.tag())).isEqualTo(1);
    assertThat(metrics.refusedCount(RefusalReason.KEY_MISMATCH.tag())).isEqualTo(1);
    assertThat(registry.isWithdrawn(new AdapterKey("scifact", 1))).isTrue();
  }

  @Test
  void aWithdrawnVersionReplayedLaterInTheTopicIsNotLoaded() {
    CatchUpBuffer buffer = new CatchUpBuffer(2, Map.of());
    byte[] v2 = record(2, SIGNER);
    buffer.add(key(1), record(1, SIGNER), null, Instant.now(), verifier, registry);
    buffer.add(key(2), v2, null, Instant.now(), verifier, registry);
    buffer.add(key(2), null, withdrawal(2, SIGNER), Instant.now(), verifier, registry);
    buffer.add(key(2), v2, null, Instant.now(), verifier, registry);
    drain(buffer);

    assertThat(registry.catalog().adapters().get("scifact").versions()).containsOnlyKeys(1);
    assertThat(metrics.refusedCount(AdapterRegistry.WITHDRAWN)).isEqualTo(1);
  }
}
