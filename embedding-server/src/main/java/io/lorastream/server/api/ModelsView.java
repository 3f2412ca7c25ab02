package io.lorastream.server.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lorastream.server.adapters.AdapterCatalog;
import io.lorastream.server.adapters.AdapterState;
import io.lorastream.server.adapters.AdapterVersion;
import io.lorastream.server.adapters.ModelSpec;
import io.lorastream.server.adapters.PinRecord;
import java.time.Instant;

/**
 * The models list in OpenAI's shape ({@code
 * {"object":"list","data":[{"id","object":"model","created", "owned_by"}]}}) with lorastream's
 * fields: the base model; per adapter its current (newest), pinned and serving versions and the
 * versions retained; and one entry per retained version, {@code <adapter>@<version>}, so every name
 * a request may use is listed.
 */
final class ModelsView {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final String OWNER = "lorastream";

  private final Instant started;
  private final int dimension;
  private final int maxLength;

  ModelsView(Instant started, int dimension, int maxLength) {
    this.started = started;
    this.dimension = dimension;
    this.maxLength = maxLength;
  }

  ObjectNode list(AdapterCatalog c) {
    ObjectNode root = JSON.createObjectNode();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    data.add(base(c));
    for (AdapterState s : c.adapters().values()) {
      data.add(adapter(c, s));
    }
    for (AdapterState s : c.adapters().values()) {
      for (AdapterVersion v : s.versions().values()) {
        data.add(version(v));
      }
    }
    return root;
  }

  /** One entry by the name a request uses, or null when there is none. */
  ObjectNode find(AdapterCatalog c, String id) {
    for (var n : list(c).withArray("data")) {
      if (n.get("id").asText().equals(id)) {
        return (ObjectNode) n;
      }
    }
    return null;
  }

  ObjectNode base(AdapterCatalog c) {
    ObjectNode n = model(ModelSpec.BASE, started);
    n.put("base_model", c.baseId().name());
    n.put("base_model_sha256", c.baseId().sha256());
    n.put("dimensions", dimension);
    n.put("max_length", maxLength);
    return n;
  }

  ObjectNode adapter(AdapterCatalog c, AdapterState s) {
    AdapterVersion latest = s.latest();
    PinRecord pin = c.pins().get(s.name());
    AdapterVersion serving = s.serving(pin);
    ObjectNode n = model(s.name(), latest.manifest().createdAt());
    n.put("adapter", s.name());
    n.put("adaptation_mode", serving.mode().configName());
    n.put("current_version", latest.version());
    n.put("serving_version", serving.version());
    if (pin == null) {
      n.putNull("pinned_version");
    } else {
      n.put("pinned_version", pin.version());
      ObjectNode p = n.putObject("pin");
      p.put("action", pin.action().json());
      if (pin.fromVersion() != null) {
        p.put("from_version", pin.fromVersion());
      }
      p.put("pinned_at", pin.pinnedAt().toString());
      p.put("instance", pin.instance());
      p.put("loaded", s.versions().containsKey(pin.version()));
    }
    ArrayNode retained = n.putArray("retained_versions");
    s.versions().keySet().forEach(retained::add);
    return n;
  }

  ObjectNode version(AdapterVersion v) {
    ObjectNode n = model(v.id(), v.manifest().createdAt());
    n.put("adapter", v.adapter());
    n.put("version", v.version());
    n.put("adaptation_mode", v.mode().configName());
    n.put("published_at", v.publishedAt().toString());
    n.put("activated_at", v.activatedAt().toString());
    n.put("rank", v.manifest().lora().rank());
    n.put("steps", v.manifest().steps());
    n.put("pairs_seen", v.manifest().pairsSeen());
    ObjectNode eval = n.putObject("eval");
    v.manifest().eval().forEach(eval::put);
    return n;
  }

  private static ObjectNode model(String id, Instant created) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", id);
    n.put("object", "model");
    n.put("created", created.getEpochSecond());
    n.put("owned_by", OWNER);
    return n;
  }
}
