package io.lorastream.model.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lorastream.model.encoder.EncoderConfig;
import io.lorastream.model.lora.LoraConfig;
import io.lorastream.model.lora.LoraTarget;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * PEFT's {@code adapter_config.json} for a LoRA adapter, both ways.
 *
 * <p>The writer emits the field set PEFT 0.16 writes for a LoRA config (keys sorted, two-space
 * indent, no trailing newline: PEFT's {@code json.dumps(indent=2, sort_keys=True)}). Newer PEFT
 * versions read a config lacking their newer fields with those fields' defaults; older ones drop
 * unknown fields with a warning, so writing the older set loads cleanly in both directions.
 *
 * <p>The reader takes PEFT's files from any version: a field that changes what the weights mean
 * (DoRA, biases, extra trained modules, per-module ranks, ...) must be absent or at its default, or
 * the adapter is refused; fields that only matter at initialisation or are metadata are ignored; an
 * unknown field is accepted only at a default-looking value (null, false, empty).
 */
final class PeftAdapterConfig {

  static final String TASK_TYPE = "FEATURE_EXTRACTION";

  /** Fields without effect on a trained adapter's forward pass. */
  private static final Set<String> IGNORED =
      Set.of(
          "auto_mapping",
          "base_model_name_or_path",
          "revision",
          "task_type",
          "inference_mode",
          "init_lora_weights",
          "layers_pattern",
          "loftq_config",
          "eva_config",
          "corda_config",
          "lora_ga_config",
          "megatron_core",
          "qalora_group_size",
          "peft_version",
          "ensure_weight_tying",
          "runtime_config");

  /** Fields handled explicitly below. */
  private static final Set<String> READ =
      Set.of(
          "peft_type",
          "r",
          "lora_alpha",
          "lora_dropout",
          "target_modules",
          "use_rslora",
          "exclude_modules",
          "bias",
          "fan_in_fan_out",
          "use_dora",
          "lora_bias",
          "use_qalora",
          "modules_to_save",
          "layers_to_transform",
          "rank_pattern",
          "alpha_pattern",
          "layer_replication",
          "megatron_config",
          "trainable_token_indices",
          "target_parameters",
          "alora_invocation_tokens",
          "arrow_config",
          "use_bdlora");

  private PeftAdapterConfig() {}

  /** A parsed config: the LoRA shape and what PEFT records about the base. */
  record Parsed(LoraConfig lora, String baseModelNameOrPath) {}

  static byte[] write(LoraConfig lora, String baseModelNameOrPath) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    Map<String, JsonNode> fields = new TreeMap<>(); // PEFT writes sort_keys=True
    fields.put("alpha_pattern", f.objectNode());
    fields.put("auto_mapping", f.nullNode());
    fields.put("base_model_name_or_path", f.textNode(baseModelNameOrPath));
    fields.put("bias", f.textNode("none"));
    fields.put("corda_config", f.nullNode());
    fields.put("eva_config", f.nullNode());
    fields.put("exclude_modules", f.nullNode());
    fields.put("fan_in_fan_out", f.booleanNode(false));
    fields.put("inference_mode", f.booleanNode(true));
    fields.put("init_lora_weights", f.booleanNode(true));
    fields.put("layer_replication", f.nullNode());
    fields.put("layers_pattern", f.nullNode());
    fields.put("layers_to_transform", f.nullNode());
    fields.put("loftq_config", f.objectNode());
    // PEFT types lora_alpha as int; an integral alpha is written as one so PEFT reads back the same
    // type
    double alpha = lora.alpha();
    fields.put(
        "lora_alpha",
        alpha == Math.rint(alpha) && Math.abs(alpha) < 1e9
            ? f.numberNode((long) alpha)
            : f.numberNode(alpha));
    fields.put("lora_bias", f.booleanNode(false));
    fields.put("lora_dropout", f.numberNode(lora.dropout()));
    fields.put("megatron_config", f.nullNode());
    fields.put("megatron_core", f.textNode("megatron.core"));
    fields.put("modules_to_save", f.nullNode());
    fields.put("peft_type", f.textNode("LORA"));
    fields.put("qalora_group_size", f.numberNode(16));
    fields.put("r", f.numberNode(lora.rank()));
    fields.put("rank_pattern", f.objectNode());
    fields.put("revision", f.nullNode());
    fields.put("target_modules", PeftTargetModules.encode(lora.targets()));
    fields.put("task_type", f.textNode(TASK_TYPE));
    fields.put("trainable_token_indices", f.nullNode());
    fields.put("use_dora", f.booleanNode(false));
    fields.put("use_qalora", f.booleanNode(false));
    fields.put("use_rslora", f.booleanNode(lora.useRslora()));
    ObjectNode root = f.objectNode();
    fields.forEach(root::set);
    return Json.pythonStyle(root);
  }

  static Parsed read(byte[] json, EncoderConfig encoder, String source)
      throws AdapterFormatException {
    ObjectNode o = Json.parseObject(json, source);
    String peftType = Json.text(o, "peft_type", source);
    if (!peftType.equals("LORA")) {
      throw unsupported(
          source, "peft_type is '" + peftType + "'; lorastream loads LoRA adapters only");
    }
    requireValue(
        o,
        "bias",
        "none",
        source,
        "trained biases change the base model; retrain with bias='none'");
    requireFalse(
        o,
        "fan_in_fan_out",
        source,
        "BERT's linears store weights [out, in]; set fan_in_fan_out=False");
    requireFalse(
        o, "use_dora", source, "DoRA adds a magnitude vector lorastream does not implement");
    requireFalse(o, "lora_bias", source, "LoRA biases are not implemented");
    requireFalse(o, "use_qalora", source, "QALoRA is not implemented");
    requireFalse(o, "use_bdlora", source, "block-diagonal LoRA is not implemented");
    requireEmpty(
        o,
        "modules_to_save",
        source,
        "fully trained extra modules are not part of a LoRA adapter here");
    requireEmpty(o, "layers_to_transform", source, "lorastream adapts every layer");
    requireEmpty(o, "rank_pattern", source, "lorastream adapters have one rank for all modules");
    requireEmpty(o, "alpha_pattern", source, "lorastream adapters have one alpha for all modules");
    requireEmpty(o, "layer_replication", source, "layer replication changes the model's depth");
    requireEmpty(o, "megatron_config", source, "Megatron parallel layers are not supported");
    requireEmpty(
        o, "trainable_token_indices", source, "trained token embeddings are not supported");
    requireEmpty(o, "target_parameters", source, "LoRA on raw parameters is not supported");
    requireEmpty(o, "alora_invocation_tokens", source, "activated LoRA is not supported");
    requireEmpty(o, "arrow_config", source, "Arrow routing is not supported");
    for (Map.Entry<String, JsonNode> field : o.properties()) {
      if (!IGNORED.contains(field.getKey())
          && !READ.contains(field.getKey())
          && !isDefaultLooking(field.getValue())) {
        throw unsupported(
            source,
            "sets '"
                + field.getKey()
                + "' = "
                + field.getValue()
                + ", a PEFT option lorastream does not know; only plain LoRA is supported");
      }
    }
    PeftTargetModules.checkExcludes(o.get("exclude_modules"), encoder, source);
    EnumSet<LoraTarget> targets =
        PeftTargetModules.decode(o.get("target_modules"), encoder, source);

    long r = Json.integer(o, "r", source);
    double alpha = Json.number(o, "lora_alpha", source);
    JsonNode dropoutNode = o.get("lora_dropout");
    double dropout =
        dropoutNode == null || dropoutNode.isNull() ? 0.0 : Json.number(o, "lora_dropout", source);
    boolean rslora = Json.bool(o, "use_rslora", false, source);
    LoraConfig lora;
    try {
      lora = new LoraConfig(Math.toIntExact(r), alpha, dropout, targets, rslora);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw unsupported(source, e.getMessage());
    }
    JsonNode base = o.get("base_model_name_or_path");
    return new Parsed(lora, base != null && base.isTextual() ? base.textValue() : "");
  }

  private static void requireValue(
      ObjectNode o, String field, String expected, String source, String why)
      throws AdapterFormatException {
    JsonNode n = o.get(field);
    if (n != null && !n.isNull() && !(n.isTextual() && n.textValue().equals(expected))) {
      throw unsupported(source, field + " is " + n + ": " + why);
    }
  }

  private static void requireFalse(ObjectNode o, String field, String source, String why)
      throws AdapterFormatException {
    JsonNode n = o.get(field);
    if (n != null && !n.isNull() && !(n.isBoolean() && !n.booleanValue())) {
      throw unsupported(source, field + " is " + n + ": " + why);
    }
  }

  private static void requireEmpty(ObjectNode o, String field, String source, String why)
      throws AdapterFormatException {
    JsonNode n = o.get(field);
    if (n != null && !isDefaultLooking(n)) {
      throw unsupported(source, field + " is " + n + ": " + why);
    }
  }

  private static boolean isDefaultLooking(JsonNode n) {
    return n.isNull()
        || (n.isBoolean() && !n.booleanValue())
        || (n.isContainerNode() && n.isEmpty())
        || (n.isTextual() && n.textValue().isEmpty());
  }

  private static AdapterFormatException unsupported(String source, String problem) {
    return new AdapterFormatException(RefusalReason.UNSUPPORTED_ADAPTER, source + ": " + problem);
  }
}
