package io.lorastream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DeadLetterTest {
  @Test
  void headersCarryReasonSourceAndMessageAndKeepTheOriginalHeaders() {
    RecordHeaders original = new RecordHeaders();
    original.add("trace-id", "abc".getBytes(StandardCharsets.UTF_8));
    DeadLetter dl =
        new DeadLetter(
            DeadLetterReason.MISSING_FIELD, "no query", "lorastream.search-events", 2, 41L);
    var headers = dl.toHeaders(original);
    assertThat(new String(headers.lastHeader("trace-id").value(), StandardCharsets.UTF_8))
        .isEqualTo("abc");
    assertThat(new String(headers.lastHeader(DeadLetter.REASON).value(), StandardCharsets.UTF_8))
        .isEqualTo("missing_field");
    assertThat(DeadLetter.fromHeaders(headers)).isEqualTo(dl);
  }

  @Test
  void longMessagesAreCut() {
    DeadLetter dl =
        new DeadLetter(DeadLetterReason.PROCESSING_ERROR, "x".repeat(10_000), "t", -1, -1);
    assertThat(dl.message()).hasSize(DeadLetter.MAX_MESSAGE_CHARS).endsWith("...");
  }

  @Test
  void topicNamesShareThePrefixAndRejectIllegalOnes() {
    TopicNames names = new TopicNames("dev.");
    assertThat(names.searchEvents()).isEqualTo("dev.search-events");
    assertThat(names.deadLetters()).isEqualTo("dev.dlq");
    assertThat(names.all()).hasSize(9).allMatch(n -> n.startsWith("dev."));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TopicNames("bad prefix/"))
        .hasMessageContaining("topic-prefix");
  }
}
