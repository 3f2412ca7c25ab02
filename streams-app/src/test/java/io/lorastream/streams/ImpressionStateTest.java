package io.lorastream.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lorastream.schemas.EventCodecs;
import io.lorastream.schemas.Interaction;
import io.lorastream.schemas.InteractionType;
import io.lorastream.schemas.SearchEvent;
import io.lorastream.schemas.ShownResult;
import io.lorastream.schemas.TextLimits;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ImpressionStateTest {
  private final EventCodecs codecs = EventCodecs.create(TextLimits.DEFAULTS);
  private final Random rnd = new Random(3);

  private String text() {
    StringBuilder sb = new StringBuilder();
    int n = 1 + rnd.nextInt(20);
    for (int i = 0; i < n; i++) {
      sb.appendCodePoint(rnd.nextInt(4) == 0 ? 0x1F600 + rnd.nextInt(50) : 'a' + rnd.nextInt(26));
    }
    return sb.toString();
  }

  private Instant time() {
    return Instant.ofEpochSecond(
        1_700_000_000L + rnd.nextInt(10_000_000), rnd.nextInt(1_000_000_000));
  }

  private SourceRecord record(String topic, byte[] value) {
    return new SourceRecord(
        topic,
        rnd.nextInt(8),
        rnd.nextInt(1_000_000),
        rnd.nextLong() & Long.MAX_VALUE,
        "imp".getBytes(StandardCharsets.UTF_8),
        value,
        List.of(
            new SourceRecord.HeaderBytes("trace", new byte[] {1, 2}),
            new SourceRecord.HeaderBytes("null", null)));
  }

  private ImpressionState.Entry<SearchEvent> search() {
    List<ShownResult> results =
        List.of(new ShownResult(text(), 1, rnd.nextDouble()), new ShownResult(text(), 2, -1.5));
    SearchEvent e =
        new SearchEvent(
            1,
            text(),
            "acme",
            time(),
            "imp",
            text(),
            text(),
            rnd.nextBoolean() ? null : text(),
            results,
            text(),
            rnd.nextBoolean() ? null : text());
    return ImpressionState.entry(e, record("s", codecs.searchEvents().encode(e)));
  }

  private ImpressionState.Entry<Interaction> interaction() {
    InteractionType type = InteractionType.values()[rnd.nextInt(InteractionType.values().length)];
    Long dwell =
        type == InteractionType.DWELL || rnd.nextBoolean() ? (long) rnd.nextInt(100_000) : null;
    Interaction e = new Interaction(1, text(), "acme", time(), "imp", text(), type, dwell);
    return ImpressionState.entry(e, record("i", codecs.interactions().encode(e)));
  }

  @Test
  void everyFieldSurvivesTheBinaryFormatIncludingNanosNullsAndEmoji() {
    for (int i = 0; i < 500; i++) {
      ImpressionState state =
          new ImpressionState(
              rnd.nextInt(5) == 0 ? null : search(),
              List.of(interaction(), interaction(), interaction()).subList(0, rnd.nextInt(4)),
              rnd.nextLong());
      ImpressionState back = ImpressionState.read(ImpressionState.write(state), codecs);
      assertThat(back.closeAtMs()).isEqualTo(state.closeAtMs());
      if (state.search() == null) {
        assertThat(back.search()).isNull();
      } else {
        assertSameEntry(back.search(), state.search());
      }
      assertThat(back.interactions()).hasSameSizeAs(state.interactions());
      for (int k = 0; k < state.interactions().size(); k++) {
        assertSameEntry(back.interactions().get(k), state.interactions().get(k));
      }
    }
  }

  @Test
  void aStateReadBackIsWrittenToTheSameBytesAsAStateBuiltFromItsEvents() {
    for (int i = 0; i < 200; i++) {
      ImpressionState state =
          new ImpressionState(
              rnd.nextInt(5) == 0 ? null : search(),
              List.of(interaction(), interaction(), interaction()).subList(0, rnd.nextInt(4)),
              rnd.nextLong());
      byte[] written = ImpressionState.write(state);
      ImpressionState back = ImpressionState.read(written, codecs);
      assertThat(ImpressionState.write(back)).isEqualTo(written);
    }
  }

  @Test
  void anInteractionEntryReadsBackFromItsBinaryForm() {
    for (int i = 0; i < 200; i++) {
      ImpressionState.Entry<Interaction> e = interaction();
      assertSameEntry(ImpressionState.interactionEntry(e.binary()), e);
    }
  }

  @Test
  void stateWrittenInFormatTwoWithItsInteractionsIsRead() {
    ImpressionState state =
        new ImpressionState(search(), List.of(interaction(), interaction()), 42L);
    byte[] format3 = ImpressionState.write(state);
    byte[] format2 = format3.clone();
    format2[0] = 2; // format 3 has format 2's layout; only what a writer may add to it changed
    ImpressionState back = ImpressionState.read(format2, codecs);
    assertSameEntry(back.search(), state.search());
    assertThat(back.interactions()).hasSize(2);
    assertSameEntry(back.interactions().get(1), state.interactions().get(1));
  }

  @Test
  void stateWrittenInFormatOneIsReadAndItsEventsDecodedFromTheirRecords() throws Exception {
    ImpressionState.Entry<SearchEvent> s = search();
    ImpressionState.Entry<Interaction> i = interaction();
    // format 1, as the previous version wrote it: event id, event time, record; no decoded event
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeByte(1);
    out.writeLong(42L);
    out.writeBoolean(true);
    out.writeUTF(s.eventId());
    out.writeLong(s.eventTimeMs());
    s.record().writeTo(out);
    out.writeInt(1);
    out.writeUTF(i.eventId());
    out.writeLong(i.eventTimeMs());
    i.record().writeTo(out);
    ImpressionState back = ImpressionState.read(bytes.toByteArray(), codecs);
    assertThat(back.closeAtMs()).isEqualTo(42L);
    assertSameEntry(back.search(), s);
    assertSameEntry(back.interactions().get(0), i);
  }

  @Test
  void anUnknownFormatNamesTheWayOut() {
    assertThatThrownBy(() -> ImpressionState.read(new byte[] {9, 0, 0}, codecs))
        .hasMessageContaining("impression state format 9")
        .hasMessageContaining("reset the application's state");
  }

  private static <T> void assertSameEntry(
      ImpressionState.Entry<T> actual, ImpressionState.Entry<T> expected) {
    assertThat(actual.eventId()).isEqualTo(expected.eventId());
    assertThat(actual.eventTimeMs()).isEqualTo(expected.eventTimeMs());
    assertThat(actual.event()).isEqualTo(expected.event());
    SourceRecord a = actual.record();
    SourceRecord e = expected.record();
    assertThat(List.of(a.topic(), a.partition(), a.offset(), a.timestamp()))
        .isEqualTo(List.of(e.topic(), e.partition(), e.offset(), e.timestamp()));
    assertThat(a.key()).isEqualTo(e.key());
    assertThat(a.value()).isEqualTo(e.value());
    assertThat(a.headers()).hasSameSizeAs(e.headers());
    for (int k = 0; k < e.headers().size(); k++) {
      assertThat(a.headers().get(k).key()).isEqualTo(e.headers().get(k).key());
      assertThat(a.headers().get(k).value()).isEqualTo(e.headers().get(k).value());
    }
  }
}
