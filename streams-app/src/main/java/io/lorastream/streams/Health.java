package io.lorastream.streams;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What {@code /health/live} and {@code /health/ready} answer. Live: the app has not given up (its
 * orchestrator should restart it otherwise). Ready: live, and Kafka Streams is RUNNING (while it
 * rebalances, a replaced thread included, its tasks are being assigned or restored and nothing is
 * processed).
 *
 * @param state Kafka Streams' state ({@code STARTING} before there is one)
 * @param reason why it is not ready or not live; null when it is both
 */
record Health(boolean live, boolean ready, String state, String reason) {

  static final Health STARTING = new Health(true, false, "STARTING", "the streams app is starting");

  static Health of(KafkaStreams.State state, String gaveUp) {
    if (gaveUp != null) {
      return new Health(false, false, state.name(), gaveUp);
    }
    return switch (state) {
      case RUNNING -> new Health(true, true, state.name(), null);
      case REBALANCING ->
          new Health(
              true, false, state.name(), "rebalancing: tasks are being assigned or restored");
      case CREATED -> new Health(true, false, state.name(), "Kafka Streams has not started yet");
      case PENDING_SHUTDOWN, NOT_RUNNING ->
          new Health(true, false, state.name(), "the streams app is stopping");
      case PENDING_ERROR, ERROR ->
          new Health(
              false,
              false,
              state.name(),
              "Kafka Streams stopped on an error (every stream thread died); the log has the exception");
    };
  }

  Map<String, Object> toJson() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("live", live);
    body.put("ready", ready);
    body.put("state", state);
    if (reason != null) {
      body.put("reason", reason);
    }
    return body;
  }
}
