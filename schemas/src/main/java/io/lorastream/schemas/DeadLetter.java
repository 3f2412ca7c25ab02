package io.lorastream.schemas;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * What a dead-letter record says about itself, carried in headers next to the original key and
 * value bytes (which are copied untouched, as are the original headers).
 *
 * @param sourcePartition -1 when unknown
 * @param sourceOffset -1 when unknown
 * @param message for a human: what was wrong and, where there is one, the way out
 */
public record DeadLetter(
    DeadLetterReason reason,
    String message,
    String sourceTopic,
    int sourcePartition,
    long sourceOffset) {

  public static final String REASON = "lorastream.dlq.reason";
  public static final String MESSAGE = "lorastream.dlq.message";
  public static final String SOURCE_TOPIC = "lorastream.dlq.source.topic";
  public static final String SOURCE_PARTITION = "lorastream.dlq.source.partition";
  public static final String SOURCE_OFFSET = "lorastream.dlq.source.offset";

  /** Messages are cut here: a header is not a place for a whole document. */
  public static final int MAX_MESSAGE_CHARS = 2000;

  public DeadLetter {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(sourceTopic, "source topic");
    message = message == null ? "" : message;
    if (message.length() > MAX_MESSAGE_CHARS) {
      message = message.substring(0, MAX_MESSAGE_CHARS - 3) + "...";
    }
  }

  /**
   * The original headers (copied) followed by this dead letter's own; earlier lorastream.dlq.*
   * headers are dropped.
   */
  public Headers toHeaders(Headers original) {
    RecordHeaders headers = new RecordHeaders();
    if (original != null) {
      for (Header h : original) {
        if (!h.key().startsWith("lorastream.dlq.")) {
          headers.add(h.key(), h.value());
        }
      }
    }
    headers.add(REASON, utf8(reason.wireName()));
    headers.add(MESSAGE, utf8(message));
    headers.add(SOURCE_TOPIC, utf8(sourceTopic));
    headers.add(SOURCE_PARTITION, utf8(Integer.toString(sourcePartition)));
    headers.add(SOURCE_OFFSET, utf8(Long.toString(sourceOffset)));
    return headers;
  }

  /** Reads a dead letter back from a DLQ record's headers. */
  public static DeadLetter fromHeaders(Headers headers) {
    return new DeadLetter(
        DeadLetterReason.fromWireName(required(headers, REASON)),
        required(headers, MESSAGE),
        required(headers, SOURCE_TOPIC),
        Integer.parseInt(required(headers, SOURCE_PARTITION)),
        Long.parseLong(required(headers, SOURCE_OFFSET)));
  }

  private static String required(Headers headers, String key) {
    Header h = headers.lastHeader(key);
    if (h == null || h.value() == null) {
      throw new IllegalArgumentException(
          "not a lorastream dead letter: header " + key + " is missing");
    }
    return new String(h.value(), StandardCharsets.UTF_8);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
