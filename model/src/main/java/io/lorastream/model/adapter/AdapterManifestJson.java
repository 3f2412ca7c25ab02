package io.lorastream.model.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * {@link AdapterManifest} as compact JSON with a fixed field order and sorted maps, so one manifest
 * always gives the same bytes:
 *
 * <pre>
 * {"adapter":"scifact","version":42,"base_model":{"name":...,"sha256":...},"adapter_sha256":...,
 *  "lora":{"r":8,"alpha":16.0,"dropout":0.1,"targets":["query","value"],"use_rslora":false},
 *  "adaptation_mode":"query","loss":"mnrl","steps":1200,"pairs_seen":19200,
 *  "eval":{"candidate_ndcg@10":0.71,"published_ndcg@10":0.70},"created_at":"2025-01-01T12:00:00Z",
 *  "input_offsets":{"lorastream.training-pairs-0":12345}}
 * </pre>
 */
final class AdapterManifestJson {
  private AdapterManifestJson() {}

  static byte[] write(AdapterManifest m) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("adapter", m.adapter());
    o.put("version", m.version());
    o.set("base_model", ManifestJson.base(m.baseModel()));
    o.put("adapter_sha256", m.adapterSha256());
    o.set("lora", ManifestJson.lora(m.lora()));
    o.put("adaptation_mode", m.adaptationMode().configName());
    o.put("loss", m.loss());
    o.put("steps", m.steps());
    o.put("pairs_seen", m.pairsSeen());
    ObjectNode eval = o.putObject("eval");
    m.eval().forEach(eval::put);
    o.put("created_at", m.createdAt().toString());
    ObjectNode offsets = o.putObject("input_offsets");
    m.inputOffsets().forEach(offsets::put);
    return Json.compact(o);
  }

  static AdapterManifest read(byte[] bytes, String source) throws AdapterFormatException {
    ObjectNode o = Json.parseObject(bytes, source);
    SortedMap<String, Double> eval = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : Json.object(o, "eval", source).properties()) {
      if (!e.getValue().isNumber()) {
        throw Json.malformed(
            source, "eval figure '" + e.getKey() + "' must be a number, got " + e.getValue());
      }
      eval.put(e.getKey(), e.getValue().doubleValue());
    }
    SortedMap<String, Long> offsets = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : Json.object(o, "input_offsets", source).properties()) {
      if (!e.getValue().isIntegralNumber() || !e.getValue().canConvertToLong()) {
        throw Json.malformed(
            source, "input offset of '" + e.getKey() + "' must be an integer, got " + e.getValue());
      }
      offsets.put(e.getKey(), e.getValue().longValue());
    }
    try {
      return new AdapterManifest(
          Json.text(o, "adapter", source),
          Math.toIntExact(Json.integer(o, "version", source)),
          ManifestJson.base(o, "base_model", source),
          Json.text(o, "adapter_sha256", source),
          ManifestJson.lora(o, "lora", source),
          AdaptationMode.parse(Json.text(o, "adaptation_mode", source)),
          Json.text(o, "loss", source),
          Json.integer(o, "steps", source),
          Json.integer(o, "pairs_seen", source),
          eval,
          Instant.parse(Json.text(o, "created_at", source)),
          offsets);
    } catch (IllegalArgumentException | ArithmeticException | DateTimeParseException e) {
      throw Json.malformed(source, "manifest: " + e.getMessage());
    }
  }
}
