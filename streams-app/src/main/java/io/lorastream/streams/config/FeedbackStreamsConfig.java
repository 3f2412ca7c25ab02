package io.lorastream.streams.config;

import io.lorastream.schemas.TextLimits;
import io.lorastream.schemas.TopicNames;
import java.util.Objects;

/**
 * Everything the streams app is told, validated at construction. Load it with {@link ConfigFiles#load} from a
 * {@code .properties} or {@code .yaml} file of flat keys (see {@link ConfigFiles} for every key and its default).
 */
public record FeedbackStreamsConfig(
    TopicNames topics,
    TextLimits limits,
    ImpressionWindow window,
    PairRules rules,
    AdapterRouting routing,
    StreamsRuntime runtime) {

  public static final FeedbackStreamsConfig DEFAULTS =
      new FeedbackStreamsConfig(
          TopicNames.DEFAULT,
          TextLimits.DEFAULTS,
          ImpressionWindow.DEFAULTS,
          PairRules.DEFAULTS,
          AdapterRouting.DEFAULTS,
          StreamsRuntime.DEFAULTS);

  public FeedbackStreamsConfig {
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(rules, "rules");
    Objects.requireNonNull(routing, "routing");
    Objects.requireNonNull(runtime, "runtime");
  }

  /** The compacted topic of validated document passages the app keeps for its document lookups. */
  public String passagesTopic() {
    return runtime.applicationId() + "-document-passages";
  }

  public FeedbackStreamsConfig withRuntime(StreamsRuntime newRuntime) {
    return new FeedbackStreamsConfig(topics, limits, window, rules, routing, newRuntime);
  }
}
