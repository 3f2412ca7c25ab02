package io.lorastream.streams.config;

import io.lorastream.schemas.JsonLimits;
import io.lorastream.schemas.TextLimits;
import io.lorastream.schemas.TopicNames;
import java.util.Objects;

/**
 * Everything the streams app is told, validated at construction. Load it with {@link
 * ConfigFiles#load} from a {@code .properties} or {@code .yaml} file of flat keys (see {@link
 * ConfigFiles} for every key and its default).
 */
public record FeedbackStreamsConfig(
    TopicNames topics,
    TextLimits limits,
    JsonLimits jsonLimits,
    ImpressionLimits impressionLimits,
    ImpressionWindow window,
    PairRules rules,
    AdapterRouting routing,
    StreamsRuntime runtime,
    ThreadReplacement threadReplacement) {

  public static final FeedbackStreamsConfig DEFAULTS =
      new FeedbackStreamsConfig(
          TopicNames.DEFAULT,
          TextLimits.DEFAULTS,
          JsonLimits.DEFAULTS,
          ImpressionLimits.DEFAULTS,
          ImpressionWindow.DEFAULTS,
          PairRules.DEFAULTS,
          AdapterRouting.DEFAULTS,
          StreamsRuntime.DEFAULTS,
          ThreadReplacement.DEFAULTS);

  public FeedbackStreamsConfig {
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(jsonLimits, "json limits");
    Objects.requireNonNull(impressionLimits, "impression limits");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(rules, "rules");
    Objects.requireNonNull(routing, "routing");
    Objects.requireNonNull(runtime, "runtime");
    Objects.requireNonNull(threadReplacement, "thread replacement");
    jsonLimits.requireRoomFor(limits);
  }

  /** The compacted topic of validated document passages the app keeps for its document lookups. */
  public String passagesTopic() {
    return runtime.applicationId() + "-document-passages";
  }

  public FeedbackStreamsConfig withRuntime(StreamsRuntime newRuntime) {
    return new FeedbackStreamsConfig(
        topics,
        limits,
        jsonLimits,
        impressionLimits,
        window,
        rules,
        routing,
        newRuntime,
        threadReplacement);
  }
}
