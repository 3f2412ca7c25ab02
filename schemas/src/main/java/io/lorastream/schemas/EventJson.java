package io.lorastream.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;

/**
 * The one Jackson setup for every event: snake_case names, ISO-8601 instants (read by {@link
 * EventTimes}), unknown fields ignored, nulls left out, and characters outside the Basic
 * Multilingual Plane (emoji ...) written as their 4 UTF-8 bytes rather than as an escaped surrogate
 * pair: the shorter form, and the one {@link EncodedTrainingPair} writes for passages it copies as
 * UTF-8, so that both writers give the same bytes.
 */
public final class EventJson {
  private static final ObjectMapper SHARED = newMapper();

  private EventJson() {}

  /**
   * The JVM's one mapper (thread-safe): Jackson's caches (the deserializers built for each record
   * type, the table of field names seen) then live as long as the JVM, as in a long-running
   * service, instead of being rebuilt by every codec and every start of an app in the same JVM
   * (tests, the benchmark's runs).
   */
  public static ObjectMapper shared() {
    return SHARED;
  }

  private static ObjectMapper newMapper() {
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        // after JavaTimeModule: the module registered last is asked first
        .addModule(
            new SimpleModule("lorastream-event-times")
                .addDeserializer(Instant.class, new EventTimes.Deserializer()))
        .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
        .serializationInclusion(JsonInclude.Include.NON_NULL)
        .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
        .build();
  }
}
