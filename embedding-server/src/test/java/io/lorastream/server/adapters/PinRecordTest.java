package io.lorastream.server.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PinRecordTest {

  @Test
  void aPinSurvivesItsJsonForm() {
    PinRecord pin =
        new PinRecord(
            "scifact",
            2,
            PinRecord.Action.ROLLBACK,
            3,
            Instant.parse("2026-11-27T10:00:00Z"),
            "server-a",
            "id-1");
    assertThat(new String(pin.toJson(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"adapter\":\"scifact\",\"version\":2,\"action\":\"rollback\",\"from_version\":3,"
                + "\"pinned_at\":\"2026-11-27T10:00:00Z\",\"instance\":\"server-a\",\"id\":\"id-1\"}");
    assertThat(PinRecord.fromJson("scifact", pin.toJson())).isEqualTo(pin);
  }

  @Test
  void aPinFiledUnderAnotherAdaptersKeyIsRefused() {
    PinRecord pin =
        new PinRecord("scifact", 2, PinRecord.Action.PIN, null, Instant.now(), "a", "id");
    assertThatThrownBy(() -> PinRecord.fromJson("nfcorpus", pin.toJson()))
        .hasMessageContaining("under key 'nfcorpus' pins adapter 'scifact'");
  }

  @Test
  void malformedPinsNameTheMissingField() {
    assertThatThrownBy(
            () ->
                PinRecord.fromJson(
                    "scifact", "{\"adapter\":\"scifact\"}".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("no integer 'version'");
    assertThatThrownBy(
            () -> PinRecord.fromJson("scifact", "not json".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("is not JSON");
  }
}
