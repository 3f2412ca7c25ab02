package io.lorastream.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lorastream.schemas.EventCodecs;
import io.lorastream.schemas.Interaction;
import io.lorastream.schemas.InteractionType;
import io.lorastream.schemas.TextLimits;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RecentImpressionsTest {
  private final EventCodecs codecs = EventCodecs.create(TextLimits.DEFAULTS);
  private KeyValueStore<String, ImpressionState> store;

  @BeforeEach
  void store() {
    store =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore("impressions"),
                Serdes.String(),
                ImpressionState.serde(codecs))
            .withLoggingDisabled()
            .build();
    store.init(new MockProcessorContext<>().getStateStoreContext(), store);
  }

  /** An orphan state (interactions only) whose close time tells states apart. */
  private ImpressionState state(long closeAt) {
    Interaction i =
        new Interaction(
            1,
            "e" + closeAt,
            "acme",
            Instant.ofEpochSecond(1_700_000_000L),
            "imp",
            "d1",
            InteractionType.CLICK,
            null);
    SourceRecord record =
        new SourceRecord(
            "interactions",
            0,
            closeAt,
            0L,
            "imp".getBytes(StandardCharsets.UTF_8),
            codecs.interactions().encode(i),
            List.of());
    return new ImpressionState(null, List.of(ImpressionState.entry(i, record)), closeAt);
  }

  @Test
  void everyWriteReachesTheStoreAndARecentStateIsReadWithoutDecoding() {
    RecentImpressions recent = new RecentImpressions(store, 8);
    ImpressionState a = state(1);
    recent.put("a", a);
    assertThat(store.get("a").closeAtMs()).isEqualTo(1);
    assertThat(recent.get("a")).isSameAs(a);

    recent.delete("a");
    assertThat(store.get("a")).isNull();
    assertThat(recent.get("a")).isNull();
  }

  @Test
  void aStateBeyondCapacityIsDecodedFromTheStoreAgain() {
    RecentImpressions recent = new RecentImpressions(store, 2);
    ImpressionState a = state(1);
    recent.put("a", a);
    recent.put("b", state(2));
    recent.put("c", state(3));
    assertThat(recent.decodedSize()).isEqualTo(2);
    ImpressionState back = recent.get("a");
    assertThat(back).isNotSameAs(a);
    assertThat(back.closeAtMs()).isEqualTo(1);
    assertThat(back.interactions().get(0).event()).isEqualTo(a.interactions().get(0).event());
  }

  @Test
  void aProcessorReinitialisedOverARestoredStoreReadsTheStore() {
    new RecentImpressions(store, 8).put("a", state(1));
    store.put("a", state(7)); // as if the store had been restored from its changelog
    RecentImpressions afterInit =
        new RecentImpressions(store, 8); // what ImpressionProcessor.init makes
    assertThat(afterInit.get("a").closeAtMs()).isEqualTo(7);
  }

  @Test
  void aCapacityBelowOneIsRejectedByName() {
    assertThatThrownBy(() -> new RecentImpressions(store, 0))
        .hasMessageContaining("capacity must be >= 1, got 0");
  }
}
