package io.lorastream.schemas;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;

/**
 * One event type's contract: its Java record, its JSON Schema file (under {@code /schemas/} on the
 * classpath), the id its records are keyed by, and the rules a schema cannot say (limits from
 * configuration, distinct ranks).
 *
 * @param name the type's name in messages and metric tags ({@code search_event} ...)
 * @param keyOf the record key a value must be published under
 */
public record EventContract<T>(
    String name,
    Class<T> type,
    String schemaResource,
    Function<T, String> keyOf,
    Checks<T> checks) {

  /** Rules beyond the schema; throw {@link ContractViolation}. */
  @FunctionalInterface
  public interface Checks<T> {
    void check(T value, TextLimits limits);
  }

  public static final EventContract<Document> DOCUMENT =
      new EventContract<>(
          "document",
          Document.class,
          "/schemas/document.schema.json",
          Document::docId,
          EventContract::checkDocument);
  public static final EventContract<SearchEvent> SEARCH_EVENT =
      new EventContract<>(
          "search_event",
          SearchEvent.class,
          "/schemas/search-event.schema.json",
          SearchEvent::impressionId,
          EventContract::checkSearchEvent);
  public static final EventContract<Interaction> INTERACTION =
      new EventContract<>(
          "interaction",
          Interaction.class,
          "/schemas/interaction.schema.json",
          Interaction::impressionId,
          (value, limits) -> {});
  public static final EventContract<RelevanceLabel> RELEVANCE_LABEL =
      new EventContract<>(
          "relevance_label",
          RelevanceLabel.class,
          "/schemas/relevance-label.schema.json",
          label -> RelevanceLabel.key(label.tenant(), label.query()),
          (label, limits) ->
              checkQuery("relevance label " + label.eventId(), label.query(), limits));
  public static final EventContract<TrainingPair> TRAINING_PAIR =
      new EventContract<>(
          "training_pair",
          TrainingPair.class,
          "/schemas/training-pair.schema.json",
          TrainingPair::adapter,
          (value, limits) -> {});

  private static void checkDocument(Document doc, TextLimits limits) {
    int chars = doc.title().length() + doc.text().length();
    if (chars > limits.maxDocumentChars()) {
      throw new ContractViolation(
          DeadLetterReason.TEXT_TOO_LONG,
          "document "
              + doc.docId()
              + ": title + text is "
              + chars
              + " chars, over the limit of "
              + limits.maxDocumentChars()
              + " (raise max-document-chars or split the document)");
    }
  }

  private static void checkSearchEvent(SearchEvent event, TextLimits limits) {
    checkQuery("search event " + event.eventId(), event.query(), limits);
    Set<Integer> ranks = new HashSet<>();
    Set<String> docs = new HashSet<>();
    for (ShownResult r : event.results()) {
      if (!ranks.add(r.rank())) {
        throw new ContractViolation(
            DeadLetterReason.SCHEMA_VIOLATION,
            "search event "
                + event.eventId()
                + ": rank "
                + r.rank()
                + " appears twice in results; ranks must be distinct");
      }
      if (!docs.add(r.docId())) {
        throw new ContractViolation(
            DeadLetterReason.SCHEMA_VIOLATION,
            "search event "
                + event.eventId()
                + ": doc "
                + r.docId()
                + " is shown twice; each result appears once");
      }
    }
  }

  private static void checkQuery(String what, String query, TextLimits limits) {
    if (query.length() > limits.maxQueryChars()) {
      throw new ContractViolation(
          DeadLetterReason.TEXT_TOO_LONG,
          what
              + ": query is "
              + query.length()
              + " chars, over the limit of "
              + limits.maxQueryChars()
              + " (raise max-query-chars)");
    }
  }
}
