package io.lorastream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EventTimesTest {
  @Test
  void canonicalUtcTimesReadAsInstantParseReadsThemForEveryFractionLength() {
    Random rnd = new Random(11);
    for (int i = 0; i < 20_000; i++) {
      Instant t = Instant.ofEpochSecond(rnd.nextInt(2_000_000_000), rnd.nextInt(1_000_000_000));
      String full = t.toString();
      assertThat(EventTimes.parse(full)).isEqualTo(Instant.parse(full));
      int digits = rnd.nextInt(10);
      String cut =
          full.substring(0, 19)
              + (digits == 0 ? "" : "." + String.format("%09d", t.getNano()).substring(0, digits))
              + "Z";
      assertThat(EventTimes.parse(cut)).as(cut).isEqualTo(Instant.parse(cut));
    }
  }

  @Test
  void otherFormsAndBadOnesFollowInstantParse() {
    // java.time accepts some surprises (24:00, lower-case t and z, a bare '.'); whatever it does,
    // so does parse
    for (String s :
        List.of(
            "2025-01-02T03:04:05+01:00",
            "2025-12-31T23:59:60Z",
            "2025-01-02T03:04:05.5-07:30",
            "0001-01-01T00:00:00Z",
            "2025-01-02T03:04:05.123456789Z",
            "2025-01-02T24:00:00Z",
            "2025-01-02t03:04:05z",
            "2025-01-02T03:04:05.Z",
            "2025-02-30T00:00:00Z",
            "2025-01-02 03:04:05Z",
            "yesterday",
            "2025-13-01T00:00:00Z",
            "2025-01-02T03:04:05.1234567890Z",
            "+12025-01-02T03:04:05Z")) {
      Instant expected;
      try {
        expected = Instant.parse(s);
      } catch (DateTimeException e) {
        assertThatThrownBy(() -> EventTimes.parse(s)).as(s).isInstanceOf(DateTimeException.class);
        continue;
      }
      assertThat(EventTimes.parse(s)).as(s).isEqualTo(expected);
    }
  }
}
