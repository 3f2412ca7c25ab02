package io.lorastream.model.lora;

import java.util.Locale;

/**
 * The linear layers of a BERT encoder layer that LoRA can adapt. Each knows its Hugging Face module
 * path inside {@code encoder.layer.<i>.}, which is also the suffix PEFT matches {@code
 * target_modules} against, and the short name users write in configuration.
 */
public enum LoraTarget {
  QUERY("query", "attention.self.query"),
  KEY("key", "attention.self.key"),
  VALUE("value", "attention.self.value"),
  ATTENTION_OUTPUT("attention_output", "attention.output.dense"),
  FFN_IN("ffn_in", "intermediate.dense"),
  FFN_OUT("ffn_out", "output.dense");

  private final String configName;
  private final String modulePath;

  LoraTarget(String configName, String modulePath) {
    this.configName = configName;
    this.modulePath = modulePath;
  }

  /** The name used in lorastream configuration files, e.g. {@code ffn_in}. */
  public String configName() {
    return configName;
  }

  /** Module path below {@code encoder.layer.<i>.}, e.g. {@code attention.self.query}. */
  public String modulePath() {
    return modulePath;
  }

  /** Full Hugging Face module name of this target in layer {@code layer}. */
  public String moduleName(int layer) {
    return "encoder.layer." + layer + "." + modulePath;
  }

  /** Parses a configuration name ({@code query}, {@code ffn_out}, ...) or an enum constant name. */
  public static LoraTarget parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (LoraTarget t : values()) {
      if (t.configName.equals(n) || t.name().toLowerCase(Locale.ROOT).equals(n)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unknown LoRA target '"
            + name
            + "': expected one of query, key, value, attention_output, ffn_in, ffn_out");
  }
}
