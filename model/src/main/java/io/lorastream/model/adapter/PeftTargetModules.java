package io.lorastream.model.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import io.lorastream.model.encoder.EncoderConfig;
import io.lorastream.model.lora.LoraTarget;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * PEFT's {@code target_modules} for a BERT encoder, both ways.
 *
 * <p>PEFT reads a list as module-name suffixes (an entry matches a module whose name equals it or
 * ends with {@code "." + entry}) and a string as a regular expression that must match the whole
 * module name ({@code re.fullmatch}), except the keyword {@code all-linear}. Suffixes are ambiguous
 * in BERT: {@code output.dense} also matches {@code attention.output.dense}. So the writer emits a
 * list when the entries select exactly the wanted linears and a regex otherwise.
 */
final class PeftTargetModules {

  static final String ALL_LINEAR = "all-linear";

  /** The pooler's linear: PEFT may adapt it, but mean pooling never uses its output. */
  static final String POOLER = "pooler.dense";

  private PeftTargetModules() {}

  /** The shortest list entry that selects {@code t}. */
  static String suffixEntry(LoraTarget t) {
    return switch (t) {
      case QUERY -> "query";
      case KEY -> "key";
      case VALUE -> "value";
      case ATTENTION_OUTPUT -> "attention.output.dense";
      case FFN_IN -> "intermediate.dense";
      case FFN_OUT -> "output.dense";
    };
  }

  /**
   * {@code target_modules} as PEFT should read it: a sorted list when unambiguous, else a regex.
   */
  static JsonNode encode(Set<LoraTarget> targets) {
    EnumSet<LoraTarget> wanted = EnumSet.copyOf(targets);
    TreeSet<String> entries =
        wanted.stream()
            .map(PeftTargetModules::suffixEntry)
            .collect(Collectors.toCollection(TreeSet::new));
    EnumSet<LoraTarget> selected = EnumSet.noneOf(LoraTarget.class);
    for (String entry : entries) {
      for (LoraTarget t : LoraTarget.values()) {
        if (suffixMatches(entry, t.moduleName(0))) {
          selected.add(t);
        }
      }
    }
    if (selected.equals(wanted)) {
      ArrayNode list = JsonNodeFactory.instance.arrayNode();
      entries.forEach(list::add);
      return list;
    }
    // e.g. ffn_out without attention_output: "output.dense" would also catch attention.output.dense
    String alternatives =
        wanted.stream()
            .map(t -> t.modulePath().replace(".", "\\."))
            .collect(Collectors.joining("|"));
    return TextNode.valueOf("(.*\\.)?encoder\\.layer\\.[0-9]+\\.(" + alternatives + ")");
  }

  /**
   * The targets {@code node} selects in an encoder of {@code encoder.numLayers()} layers.
   *
   * @throws AdapterFormatException when it selects nothing lorastream adapts, names modules a BERT
   *     encoder lacks, or selects a linear in some layers only
   */
  static EnumSet<LoraTarget> decode(JsonNode node, EncoderConfig encoder, String source)
      throws AdapterFormatException {
    if (node == null || node.isNull()) {
      throw Json.malformed(
          source, "target_modules is missing: it must name the adapted linear layers");
    }
    Predicate<String> matcher = matcher(node, "target_modules", source);
    if (node.isArray()) {
      for (JsonNode entry : node) {
        Predicate<String> one = name -> suffixMatches(entry.textValue(), name);
        if (!selectsAnyLinear(one, encoder)) {
          throw new AdapterFormatException(
              RefusalReason.UNSUPPORTED_ADAPTER,
              source
                  + ": target_modules entry '"
                  + entry.textValue()
                  + "' names no linear layer of a BERT encoder (query, key, value, attention.output.dense,"
                  + " intermediate.dense, output.dense)");
        }
      }
    }
    EnumSet<LoraTarget> targets = selected(matcher, encoder, "target_modules", source);
    if (targets.isEmpty()) {
      throw new AdapterFormatException(
          RefusalReason.UNSUPPORTED_ADAPTER,
          source + ": target_modules " + node + " selects no linear layer of the encoder layers");
    }
    return targets;
  }

  /**
   * Refuses an {@code exclude_modules} that removes any encoder-layer linear (it may exclude the
   * pooler).
   */
  static void checkExcludes(JsonNode node, EncoderConfig encoder, String source)
      throws AdapterFormatException {
    if (node == null || node.isNull() || (node.isArray() && node.isEmpty())) {
      return;
    }
    Predicate<String> matcher = matcher(node, "exclude_modules", source);
    for (int layer = 0; layer < encoder.numLayers(); layer++) {
      for (LoraTarget t : LoraTarget.values()) {
        if (matchesModule(matcher, t.moduleName(layer))) {
          throw new AdapterFormatException(
              RefusalReason.UNSUPPORTED_ADAPTER,
              source
                  + ": exclude_modules "
                  + node
                  + " excludes "
                  + t.moduleName(layer)
                  + "; lorastream adapts a target in every layer or in none");
        }
      }
    }
  }

  private static Predicate<String> matcher(JsonNode node, String field, String source)
      throws AdapterFormatException {
    if (node.isTextual()) {
      String text = node.textValue();
      if (text.equals(ALL_LINEAR)) {
        return name -> true;
      }
      try {
        Pattern p = Pattern.compile(text);
        return name -> p.matcher(name).matches();
      } catch (PatternSyntaxException e) {
        throw Json.malformed(
            source, field + " regex '" + text + "' does not compile: " + e.getDescription());
      }
    }
    if (node.isArray()) {
      List<String> entries = new ArrayList<>();
      for (JsonNode entry : node) {
        if (!entry.isTextual()) {
          throw Json.malformed(source, field + " entries must be strings, got " + entry);
        }
        entries.add(entry.textValue());
      }
      return name -> entries.stream().anyMatch(e -> suffixMatches(e, name));
    }
    throw Json.malformed(
        source, field + " must be a list of module names or a regex string, got " + node);
  }

  private static EnumSet<LoraTarget> selected(
      Predicate<String> matcher, EncoderConfig encoder, String field, String source)
      throws AdapterFormatException {
    EnumSet<LoraTarget> targets = EnumSet.noneOf(LoraTarget.class);
    for (LoraTarget t : LoraTarget.values()) {
      List<Integer> layers = new ArrayList<>();
      for (int layer = 0; layer < encoder.numLayers(); layer++) {
        if (matchesModule(matcher, t.moduleName(layer))) {
          layers.add(layer);
        }
      }
      if (layers.size() == encoder.numLayers()) {
        targets.add(t);
      } else if (!layers.isEmpty()) {
        throw new AdapterFormatException(
            RefusalReason.UNSUPPORTED_ADAPTER,
            source
                + ": "
                + field
                + " selects "
                + t.modulePath()
                + " in layers "
                + layers
                + " only, of "
                + encoder.numLayers()
                + "; lorastream adapts a target in every layer or in none");
      }
    }
    return targets;
  }

  private static boolean selectsAnyLinear(Predicate<String> matcher, EncoderConfig encoder) {
    if (matchesModule(matcher, POOLER)) {
      return true;
    }
    for (int layer = 0; layer < encoder.numLayers(); layer++) {
      for (LoraTarget t : LoraTarget.values()) {
        if (matchesModule(matcher, t.moduleName(layer))) {
          return true;
        }
      }
    }
    return false;
  }

  /** Module names as PEFT sees them on a bare BertModel and inside a BertFor... head model. */
  private static boolean matchesModule(Predicate<String> matcher, String bertModelName) {
    return matcher.test(bertModelName) || matcher.test("bert." + bertModelName);
  }

  static boolean suffixMatches(String entry, String moduleName) {
    return moduleName.equals(entry) || moduleName.endsWith("." + entry);
  }
}
