package io.lorastream.model.adapter;

import static io.lorastream.model.adapter.Fixtures.TINY_BERT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.lorastream.model.lora.LoraTarget;
import java.util.EnumSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PeftTargetModulesTest {

  private static JsonNode json(String s) throws Exception {
    return Json.MAPPER.readTree(s);
  }

  @Test
  void unambiguousTargetsAreWrittenAsASortedSuffixList() throws Exception {
    assertThat(PeftTargetModules.encode(EnumSet.of(LoraTarget.VALUE, LoraTarget.QUERY)))
        .isEqualTo(json("[\"query\",\"value\"]"));
    assertThat(
            PeftTargetModules.encode(EnumSet.of(LoraTarget.ATTENTION_OUTPUT, LoraTarget.FFN_OUT)))
        .isEqualTo(json("[\"attention.output.dense\",\"output.dense\"]"));
    assertThat(PeftTargetModules.encode(EnumSet.allOf(LoraTarget.class)))
        .isEqualTo(
            json(
                "[\"attention.output.dense\",\"intermediate.dense\",\"key\",\"output.dense\",\"query\",\"value\"]"));
  }

  /**
   * "output.dense" as a suffix would also adapt attention.output.dense, so PEFT gets a full-match
   * regex.
   */
  @Test
  void ffnOutWithoutAttentionOutputBecomesARegexThatPeftFullMatches() throws Exception {
    JsonNode node = PeftTargetModules.encode(EnumSet.of(LoraTarget.QUERY, LoraTarget.FFN_OUT));

    assertThat(node.isTextual()).isTrue();
    Pattern p =
        Pattern.compile(
            node.textValue()); // Python's re.fullmatch == Java's matches() for this syntax
    assertThat(p.matcher("encoder.layer.3.output.dense").matches()).isTrue();
    assertThat(p.matcher("bert.encoder.layer.11.output.dense").matches()).isTrue();
    assertThat(p.matcher("encoder.layer.0.attention.self.query").matches()).isTrue();
    assertThat(p.matcher("encoder.layer.3.attention.output.dense").matches()).isFalse();
    assertThat(p.matcher("encoder.layer.3.intermediate.dense").matches()).isFalse();
    assertThat(p.matcher("pooler.dense").matches()).isFalse();
    assertThat(PeftTargetModules.decode(node, TINY_BERT, "cfg"))
        .containsExactlyInAnyOrder(LoraTarget.QUERY, LoraTarget.FFN_OUT);
  }

  @Test
  void listsAreReadAsSuffixesLikePeftDoes() throws Exception {
    assertThat(PeftTargetModules.decode(json("[\"dense\"]"), TINY_BERT, "cfg"))
        .containsExactlyInAnyOrder(
            LoraTarget.ATTENTION_OUTPUT, LoraTarget.FFN_IN, LoraTarget.FFN_OUT);
    assertThat(PeftTargetModules.decode(json("[\"output.dense\"]"), TINY_BERT, "cfg"))
        .containsExactlyInAnyOrder(LoraTarget.ATTENTION_OUTPUT, LoraTarget.FFN_OUT);
    assertThat(PeftTargetModules.decode(json("[\"self.key\", \"value\"]"), TINY_BERT, "cfg"))
        .containsExactlyInAnyOrder(LoraTarget.KEY, LoraTarget.VALUE);
    assertThat(PeftTargetModules.decode(json("\"all-linear\""), TINY_BERT, "cfg"))
        .isEqualTo(EnumSet.allOf(LoraTarget.class));
  }

  @Test
  void targetsLorastreamCannotHonourAreRefused() {
    assertThatThrownBy(
            () -> PeftTargetModules.decode(json("[\"q_proj\", \"v_proj\"]"), TINY_BERT, "cfg"))
        .hasMessageContaining(
            "cfg: target_modules entry 'q_proj' names no linear layer of a BERT encoder");
    assertThatThrownBy(
            () ->
                PeftTargetModules.decode(
                    json("\"encoder\\\\.layer\\\\.0\\\\.attention\\\\.self\\\\.query\""),
                    TINY_BERT,
                    "cfg"))
        .hasMessageContaining("selects attention.self.query in layers [0] only, of 2");
    assertThatThrownBy(() -> PeftTargetModules.decode(json("[\"pooler.dense\"]"), TINY_BERT, "cfg"))
        .hasMessageContaining("selects no linear layer of the encoder layers");
    assertThatThrownBy(() -> PeftTargetModules.decode(json("\"(unclosed\""), TINY_BERT, "cfg"))
        .hasMessageContaining("does not compile");
    assertThatThrownBy(() -> PeftTargetModules.decode(null, TINY_BERT, "cfg"))
        .hasMessageContaining("target_modules is missing");
  }
}
