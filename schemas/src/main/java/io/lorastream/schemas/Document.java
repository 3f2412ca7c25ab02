package io.lorastream.schemas;

import java.time.Instant;
import java.util.Objects;

/**
 * One document of the corpus, on the compacted {@code documents} topic: key = {@code doc_id}; a
 * tombstone (null value) deletes it.
 *
 * @param title may be empty (BEIR corpora often have no title); null is read as empty
 * @param updatedAt when the content system last changed the document
 */
public record Document(
    int schemaVersion,
    String eventId,
    String tenant,
    Instant eventTime,
    String docId,
    String title,
    String text,
    Instant updatedAt)
    implements TimedEvent {

  public Document {
    Objects.requireNonNull(eventId, "event_id");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(eventTime, "event_time");
    Objects.requireNonNull(docId, "doc_id");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(updatedAt, "updated_at");
    title = title == null ? "" : title;
  }

  /**
   * The text a training pair carries for a document: title and body joined by one space, as
   * sentence-transformers' BEIR evaluation embeds a corpus entry; just the body when the title is
   * blank. Trainer and server must embed documents the same way, so this is the one place that says
   * how.
   */
  public static String passage(String title, String text) {
    return title == null || title.isBlank() ? text : title.strip() + " " + text;
  }
}
