package io.lorastream.model.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lorastream.model.BaseModelId;
import io.lorastream.model.encoder.EncoderConfig;
import io.lorastream.model.lora.LoraConfig;
import io.lorastream.model.lora.LoraTarget;
import java.util.EnumSet;

/** JSON pieces shared by the folder manifest and the record manifest. */
final class ManifestJson {
  private ManifestJson() {}

  static ObjectNode base(BaseModelId base) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("name", base.name());
    o.put("sha256", base.sha256());
    return o;
  }

  static BaseModelId base(ObjectNode parent, String field, String source)
      throws AdapterFormatException {
    ObjectNode o = Json.object(parent, field, source);
    try {
      return new BaseModelId(Json.text(o, "name", source), Json.text(o, "sha256", source));
    } catch (IllegalArgumentException e) {
      throw Json.malformed(source, field + ": " + e.getMessage());
    }
  }

  /** Field names as in Hugging Face's config.json. */
  static ObjectNode encoder(EncoderConfig c) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("vocab_size", c.vocabSize());
    o.put("hidden_size", c.hiddenSize());
    o.put("num_hidden_layers", c.numLayers());
    o.put("num_attention_heads", c.numHeads());
    o.put("intermediate_size", c.intermediateSize());
    o.put("max_position_embeddings", c.maxPositions());
    o.put("type_vocab_size", c.typeVocabSize());
    o.put("layer_norm_eps", c.layerNormEps());
    o.put("hidden_act", c.activation());
    return o;
  }

  static EncoderConfig encoder(ObjectNode parent, String field, String source)
      throws AdapterFormatException {
    ObjectNode o = Json.object(parent, field, source);
    try {
      return new EncoderConfig(
          Math.toIntExact(Json.integer(o, "vocab_size", source)),
          Math.toIntExact(Json.integer(o, "hidden_size", source)),
          Math.toIntExact(Json.integer(o, "num_hidden_layers", source)),
          Math.toIntExact(Json.integer(o, "num_attention_heads", source)),
          Math.toIntExact(Json.integer(o, "intermediate_size", source)),
          Math.toIntExact(Json.integer(o, "max_position_embeddings", source)),
          Math.toIntExact(Json.integer(o, "type_vocab_size", source)),
          Json.number(o, "layer_norm_eps", source),
          Json.text(o, "hidden_act", source));
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw Json.malformed(source, field + ": " + e.getMessage());
    }
  }

  /** lorastream's own names (targets as configured: query, ffn_in, ...), not PEFT's. */
  static ObjectNode lora(LoraConfig c) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("r", c.rank());
    o.put("alpha", c.alpha());
    o.put("dropout", c.dropout());
    ArrayNode targets = o.putArray("targets");
    c.orderedTargets().forEach(t -> targets.add(t.configName()));
    o.put("use_rslora", c.useRslora());
    return o;
  }

  static LoraConfig lora(ObjectNode parent, String field, String source)
      throws AdapterFormatException {
    ObjectNode o = Json.object(parent, field, source);
    JsonNode targetsNode = Json.required(o, "targets", source);
    if (!targetsNode.isArray()) {
      throw Json.malformed(source, field + ".targets must be a list, got " + targetsNode);
    }
    try {
      EnumSet<LoraTarget> targets = EnumSet.noneOf(LoraTarget.class);
      for (JsonNode t : targetsNode) {
        targets.add(LoraTarget.parse(t.asText()));
      }
      return new LoraConfig(
          Math.toIntExact(Json.integer(o, "r", source)),
          Json.number(o, "alpha", source),
          Json.number(o, "dropout", source),
          targets,
          Json.bool(o, "use_rslora", false, source));
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw Json.malformed(source, field + ": " + e.getMessage());
    }
  }

  /** Readers accept format version N and N-1. */
  static int checkVersion(ObjectNode o, String field, int current, String what, String source)
      throws AdapterFormatException {
    long v = Json.integer(o, field, source);
    if (v != current && v != current - 1 || v < 1) {
      throw new AdapterFormatException(
          RefusalReason.UNSUPPORTED_VERSION,
          source
              + ": "
              + what
              + " format version "
              + v
              + " is not supported: this lorastream reads "
              + (current > 1
                  ? "versions " + (current - 1) + " and " + current
                  : "version " + current)
              + (v > current
                  ? "; upgrade lorastream"
                  : "; re-save the adapter with a current lorastream"));
    }
    return (int) v;
  }
}
