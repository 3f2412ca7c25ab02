package io.lorastream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonTextTest {
  private static final List<String> AWKWARD =
      List.of(
          "",
          "plain text",
          "quote \" and backslash \\ and slash /",
          "new\nline\ttab\rreturn\bback\fform",
          "control \u0001\u001f and DEL \u007f",
          "accents é ü ñ, CJK 中文, emoji 😀 (a surrogate pair)",
          "line separators \u2028 \u2029");

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void theEscapedContentIsWhatTheEventMapperWritesBetweenTheQuotes() throws Exception {
    ObjectMapper mapper = EventJson.shared();
    for (String s : AWKWARD) {
      byte[] expected =
          mapper.writeValueAsBytes(s); // the reference: Jackson writing the String itself
      byte[] stored = JsonText.escape(utf8(s)).stored();
      assertThat(stored[0]).isEqualTo((byte) 0xFF);
      assertThat(new String(stored, 1, stored.length - 1, StandardCharsets.UTF_8))
          .isEqualTo(new String(expected, 1, expected.length - 2, StandardCharsets.UTF_8));
    }
  }

  @Test
  void aStoredTextReadsBackAsTheSameText() {
    for (String s : AWKWARD) {
      JsonText back = JsonText.fromStored(JsonText.escape(utf8(s)).stored());
      assertThat(back.text()).isEqualTo(s);
    }
  }

  @Test
  void plainUtf8StoredBeforeTheEscapedFormIsEscapedWhenRead() {
    for (String s : AWKWARD) {
      JsonText old = JsonText.fromStored(utf8(s));
      assertThat(old.stored()).isEqualTo(JsonText.escape(utf8(s)).stored());
      assertThat(old.text()).isEqualTo(s);
    }
  }
}
