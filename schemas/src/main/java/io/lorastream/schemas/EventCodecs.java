package io.lorastream.schemas;

/**
 * The codecs of every event type under one set of text and JSON limits. Loading schemas costs
 * milliseconds: build once, share.
 */
public record EventCodecs(
    EventCodec<Document> documents,
    EventCodec<SearchEvent> searchEvents,
    EventCodec<Interaction> interactions,
    EventCodec<RelevanceLabel> relevanceLabels,
    EventCodec<TrainingPair> trainingPairs) {

  /** Under the default {@link JsonLimits}. */
  public static EventCodecs create(TextLimits limits) {
    return create(limits, JsonLimits.DEFAULTS);
  }

  public static EventCodecs create(TextLimits limits, JsonLimits json) {
    json.requireRoomFor(limits);
    return new EventCodecs(
        new EventCodec<>(EventContract.DOCUMENT, limits, json),
        new EventCodec<>(EventContract.SEARCH_EVENT, limits, json),
        new EventCodec<>(EventContract.INTERACTION, limits, json),
        new EventCodec<>(EventContract.RELEVANCE_LABEL, limits, json),
        new EventCodec<>(EventContract.TRAINING_PAIR, limits, json));
  }
}
