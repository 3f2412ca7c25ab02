package io.lorastream.schemas;

/**
 * The codecs of every event type under one set of text limits. Loading schemas costs milliseconds: build once, share.
 */
public record EventCodecs(
    EventCodec<Document> documents,
    EventCodec<SearchEvent> searchEvents,
    EventCodec<Interaction> interactions,
    EventCodec<RelevanceLabel> relevanceLabels,
    EventCodec<TrainingPair> trainingPairs) {

  public static EventCodecs create(TextLimits limits) {
    return new EventCodecs(
        new EventCodec<>(EventContract.DOCUMENT, limits),
        new EventCodec<>(EventContract.SEARCH_EVENT, limits),
        new EventCodec<>(EventContract.INTERACTION, limits),
        new EventCodec<>(EventContract.RELEVANCE_LABEL, limits),
        new EventCodec<>(EventContract.TRAINING_PAIR, limits));
  }
}
