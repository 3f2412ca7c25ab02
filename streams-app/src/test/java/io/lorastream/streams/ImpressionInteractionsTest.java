package io.lorastream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.schemas.EventCodecs;
import io.lorastream.schemas.Interaction;
import io.lorastream.schemas.InteractionType;
import io.lorastream.schemas.TextLimits;
import io.lorastream.streams.ImpressionInteractions.Outcome;
import io.lorastream.streams.config.ImpressionLimits;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The interactions store on its own: with the decoded interactions in memory (few per impression,
 * recently active) and without them (many, evicted, or after a restart), the same outcomes and the
 * same interactions at close.
 */
class ImpressionInteractionsTest {
  private final EventCodecs codecs = EventCodecs.create(TextLimits.DEFAULTS);
  private KeyValueStore<Bytes, byte[]> store;
  private long offset;

  @BeforeEach
  void store() {
    store =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore("interactions"), Serdes.Bytes(), Serdes.ByteArray())
            .withLoggingDisabled()
            .build();
    store.init(new MockProcessorContext<>().getStateStoreContext(), store);
  }

  private ImpressionState.Entry<Interaction> click(String impressionId, String eventId) {
    Interaction i =
        new Interaction(
            1,
            eventId,
            "acme",
            Instant.ofEpochSecond(1_700_000_000L),
            impressionId,
            "d1",
            InteractionType.CLICK,
            1_000L);
    SourceRecord r =
        new SourceRecord(
            "interactions",
            0,
            offset++,
            0L,
            impressionId.getBytes(StandardCharsets.UTF_8),
            codecs.interactions().encode(i),
            List.of());
    return ImpressionState.entry(i, r);
  }

  private static List<String> ids(List<ImpressionState.Entry<Interaction>> entries) {
    return entries.stream().map(ImpressionState.Entry::eventId).toList();
  }

  private int storeSize() {
    int n = 0;
    try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
      while (it.hasNext()) {
        it.next();
        n++;
      }
    }
    return n;
  }

  @Test
  void withOrWithoutDecodedInteractionsInMemoryTheOutcomesAndTheCloseAreTheSame() {
    for (int recent : new int[] {ImpressionInteractions.RECENT_IMPRESSIONS, 1}) {
      ImpressionInteractions interactions =
          new ImpressionInteractions(store, new ImpressionLimits(12, 1L << 20), recent);
      List<String> expectedA = new ArrayList<>();
      for (int i = 0; i < 14; i++) {
        // "z-..." before "a-..." in arrival order: the close gives arrival order, not key order
        String id = (i % 2 == 0 ? "z-" : "a-") + i;
        Outcome o = interactions.offer("impA", click("impA", id));
        assertThat(o)
            .as("%s with %d recent", id, recent)
            .isEqualTo(i < 12 ? Outcome.KEPT : Outcome.TOO_MANY);
        if (i < 12) {
          expectedA.add(id);
        }
        assertThat(interactions.offer("impA", click("impA", "z-0"))).isEqualTo(Outcome.DUPLICATE);
        assertThat(interactions.offer("impB", click("impB", "b-" + i)))
            .isIn(Outcome.KEPT, Outcome.TOO_MANY);
      }
      assertThat(interactions.count("impA")).isEqualTo(12);
      assertThat(ids(interactions.removeAll("impA"))).containsExactlyElementsOf(expectedA);
      assertThat(ids(interactions.removeAll("impB"))).hasSize(12).startsWith("b-0", "b-1");
      assertThat(interactions.removeAll("impA")).isEmpty();
      assertThat(storeSize()).isZero();
    }
  }

  @Test
  void afterARestartTheTalliesComeFromTheStoreAndTheCloseReadsIt() {
    ImpressionLimits limits = new ImpressionLimits(3, 1L << 20);
    ImpressionInteractions before = new ImpressionInteractions(store, limits);
    before.offer("imp", click("imp", "e1"));
    before.offer("imp", click("imp", "e2"));
    long bytes = before.bytes("imp");

    ImpressionInteractions after =
        new ImpressionInteractions(store, limits); // as at the processor's next init
    assertThat(after.count("imp")).isEqualTo(2);
    assertThat(after.bytes("imp")).isEqualTo(bytes);
    assertThat(after.offer("imp", click("imp", "e2"))).isEqualTo(Outcome.DUPLICATE);
    assertThat(after.offer("imp", click("imp", "e3"))).isEqualTo(Outcome.KEPT);
    assertThat(after.offer("imp", click("imp", "e4"))).isEqualTo(Outcome.TOO_MANY);
    assertThat(ids(after.removeAll("imp"))).containsExactly("e1", "e2", "e3");
    assertThat(storeSize()).isZero();
  }

  @Test
  void keysOfOneImpressionNeverShareAPrefixWithAnothersKeys() {
    // "ab" + event "c..." and "abc" + event "..." would collide without the length prefix
    ImpressionInteractions interactions =
        new ImpressionInteractions(store, ImpressionLimits.DEFAULTS, 1);
    interactions.offer("ab", click("ab", "c-1"));
    interactions.offer("abc", click("abc", "-1"));
    interactions.offer("zz", click("zz", "x")); // evicts the decoded interactions of "ab" and "abc"
    assertThat(ids(interactions.removeAll("ab"))).containsExactly("c-1");
    assertThat(ids(interactions.removeAll("abc"))).containsExactly("-1");
  }
}
