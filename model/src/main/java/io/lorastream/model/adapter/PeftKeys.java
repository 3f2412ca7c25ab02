package io.lorastream.model.adapter;

import io.lorastream.model.lora.LoraKey;
import io.lorastream.model.lora.LoraTarget;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tensor names in PEFT's {@code adapter_model.safetensors}.
 *
 * <p>PEFT saves {@code base_model.model.<module>.lora_A.weight} [r, in] and {@code
 * ...lora_B.weight} [out, r], where {@code <module>} is the name inside the model given to {@code
 * get_peft_model}: {@code encoder.layer.0.attention.self.query} for a bare BertModel (what
 * sentence-transformers wraps), {@code bert.encoder.layer.0...} for a BertFor... head model. A
 * state dict taken without PEFT's saver keeps the adapter name: {@code ...lora_A.default.weight}.
 * The reader accepts any such prefix and adapter name as long as one file uses one of each.
 */
final class PeftKeys {

  static final String WRITE_PREFIX = "base_model.model.";

  private static final String MODULES;

  static {
    StringBuilder alternatives = new StringBuilder();
    for (LoraTarget t : LoraTarget.values()) {
      alternatives
          .append(alternatives.length() == 0 ? "" : "|")
          .append(Pattern.quote(t.modulePath()));
    }
    MODULES = alternatives.toString();
  }

  private static final Pattern FACTOR =
      Pattern.compile(
          "(?<prefix>(?:[A-Za-z0-9_]+\\.)*?)encoder\\.layer\\.(?<layer>[0-9]{1,6})\\.(?<module>"
              + MODULES
              + ")\\.lora_(?<factor>[AB])(?:\\.(?<adapter>[A-Za-z0-9_-]+))?\\.weight");

  private static final Pattern POOLER =
      Pattern.compile(
          "(?:[A-Za-z0-9_]+\\.)*?pooler\\.dense\\.lora_[AB](?:\\.[A-Za-z0-9_-]+)?\\.weight");

  private PeftKeys() {}

  /** One parsed factor name. */
  record Factor(LoraKey key, boolean isA, String prefix, String adapterName) {}

  static String nameA(LoraKey key) {
    return WRITE_PREFIX + key.moduleName() + ".lora_A.weight";
  }

  static String nameB(LoraKey key) {
    return WRITE_PREFIX + key.moduleName() + ".lora_B.weight";
  }

  /** The factor {@code name} stands for, empty when it is not a LoRA factor of an encoder layer. */
  static Optional<Factor> parse(String name) {
    Matcher m = FACTOR.matcher(name);
    if (!m.matches()) {
      return Optional.empty();
    }
    LoraTarget target = null;
    for (LoraTarget t : LoraTarget.values()) {
      if (t.modulePath().equals(m.group("module"))) {
        target = t;
      }
    }
    String adapter = m.group("adapter");
    return Optional.of(
        new Factor(
            new LoraKey(Integer.parseInt(m.group("layer")), target),
            m.group("factor").equals("A"),
            m.group("prefix"),
            adapter == null ? "" : adapter));
  }

  /** A LoRA factor on the pooler, whose output mean pooling never reads. */
  static boolean isPoolerFactor(String name) {
    return POOLER.matcher(name).matches();
  }
}
