package io.lorastream.schemas;

import java.time.Instant;

/** An input event: every contract names its event by id and says when it happened. */
public interface TimedEvent {
  String eventId();

  Instant eventTime();
}
