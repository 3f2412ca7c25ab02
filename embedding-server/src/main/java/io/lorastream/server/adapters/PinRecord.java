package io.lorastream.server.adapters;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lorastream.model.adapter.AdapterKey;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;

/**
 * A pin on the adapter-pins topic (compacted, key = adapter name, tombstone = unpinned): every
 * replica serves {@code <adapter>} requests with {@link #version} while it is retained. Value,
 * UTF-8 JSON:
 *
 * <pre>
 * {"adapter":"scifact","version":2,"action":"rollback","from_version":3,
 *  "pinned_at":"2026-11-27T10:00:00Z","instance":"server-a-1234","id":"2b0e..."}
 * </pre>
 *
 * Pins are not signed: they only choose among versions that were verified, and whoever may write to
 * the pins topic is controlled by Kafka ACLs. {@code id} lets the publishing replica see its own
 * pin applied.
 *
 * @param fromVersion the version served before, for rollbacks (null for a plain pin)
 */
public record PinRecord(
    String adapter,
    int version,
    Action action,
    Integer fromVersion,
    Instant pinnedAt,
    String instance,
    String id) {

  /** Why the pin was set. */
  public enum Action {
    PIN,
    ROLLBACK;

    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  public PinRecord {
    AdapterKey.requireValidName(adapter);
    if (version < 1) {
      throw new IllegalArgumentException("pinned version must be >= 1, got " + version);
    }
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(pinnedAt, "pinnedAt");
    Objects.requireNonNull(instance, "instance");
    Objects.requireNonNull(id, "id");
  }

  public byte[] toJson() {
    ObjectNode n = JSON.createObjectNode();
    n.put("adapter", adapter);
    n.put("version", version);
    n.put("action", action.json());
    if (fromVersion != null) {
      n.put("from_version", fromVersion);
    }
    n.put("pinned_at", pinnedAt.toString());
    n.put("instance", instance);
    n.put("id", id);
    try {
      return JSON.writeValueAsBytes(n);
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }

  /**
   * Reads a pin value.
   *
   * @param key the record key, which must equal the adapter named inside
   * @throws IllegalArgumentException naming what is wrong
   */
  public static PinRecord fromJson(String key, byte[] value) {
    JsonNode n;
    try {
      n = JSON.readTree(value);
    } catch (IOException e) {
      throw new IllegalArgumentException("pin record '" + key + "' is not JSON: " + e.getMessage());
    }
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("pin record '" + key + "' must be a JSON object");
    }
    String adapter = text(n, "adapter", key);
    if (!adapter.equals(key)) {
      throw new IllegalArgumentException(
          "pin record under key '" + key + "' pins adapter '" + adapter + "'");
    }
    JsonNode version = n.get("version");
    if (version == null || !version.canConvertToInt()) {
      throw new IllegalArgumentException("pin record '" + key + "' has no integer 'version'");
    }
    Action action;
    try {
      action = Action.valueOf(text(n, "action", key).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "pin record '"
              + key
              + "' has action '"
              + n.get("action").asText()
              + "'; expected 'pin' or 'rollback'");
    }
    Instant at;
    try {
      at = Instant.parse(text(n, "pinned_at", key));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "pin record '" + key + "' has a 'pinned_at' that is not an ISO-8601 instant");
    }
    JsonNode from = n.get("from_version");
    return new PinRecord(
        adapter,
        version.asInt(),
        action,
        from == null || from.isNull() ? null : from.asInt(),
        at,
        text(n, "instance", key),
        text(n, "id", key));
  }

  private static String text(JsonNode n, String field, String key) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException(
          "pin record '" + key + "' has no text field '" + field + "'");
    }
    return v.asText();
  }
}
