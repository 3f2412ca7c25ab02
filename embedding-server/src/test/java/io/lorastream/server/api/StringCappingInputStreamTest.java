package io.lorastream.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StringCappingInputStreamTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static String capped(String json, int cap, int readSize) throws IOException {
    InputStream in =
        new StringCappingInputStream(
            new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), cap);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[readSize];
    int n;
    while ((n = in.read(buf, 0, buf.length)) != -1) {
      out.write(buf, 0, n);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String cut(String s, int cap) {
    return s.codePointCount(0, s.length()) <= cap
        ? s
        : s.substring(0, s.offsetByCodePoints(0, cap));
  }

  @Test
  void stringsAreCutToTheCapInCodePointsAndEverythingElseIsKept() throws Exception {
    // keys are strings too: the server's cap is never below 1024 characters, far above any key or
    // model name
    String json =
        "{\"input\":[\"abcdefgh\",\"abc\",\"h\\u00e9llo w\\u00f6rld\",\"\\uD83D\\uDE00\\uD83D\\uDE00xyz\"],"
            + "\"model\":\"base\",\"dim\":64,\"nested\":{\"k\":[1,2.5,true,null]}}";
    JsonNode n = JSON.readTree(capped(json, 6, 8192));
    assertThat(n.get("input").get(0).asText()).isEqualTo("abcdef");
    assertThat(n.get("input").get(1).asText()).isEqualTo("abc");
    assertThat(n.get("input").get(2).asText()).isEqualTo("h\u00e9llo ");
    assertThat(n.get("input").get(3).asText())
        .as("a surrogate pair is one character")
        .isEqualTo("\uD83D\uDE00\uD83D\uDE00xyz");
    String emoji = "{\"input\":\"" + "\uD83D\uDE00".repeat(8) + "\"}";
    assertThat(JSON.readTree(capped(emoji, 6, 8192)).get("input").asText())
        .isEqualTo("\uD83D\uDE00".repeat(6));
    assertThat(n.get("model").asText()).isEqualTo("base");
    assertThat(n.get("dim").asInt()).isEqualTo(64);
    assertThat(n.get("nested").toString()).isEqualTo("{\"k\":[1,2.5,true,null]}");
  }

  @Test
  void escapedQuotesAndBackslashesDoNotEndAString() throws Exception {
    String json = "{\"input\":\"a\\\"b\\\\\\\"c\\\\d\",\"model\":\"m\"}"; // a"b\"c\d
    assertThat(JSON.readTree(capped(json, 100, 8192)).get("input").asText())
        .isEqualTo("a\"b\\\"c\\d");
    assertThat(JSON.readTree(capped(json, 6, 8192)).get("input").asText()).isEqualTo("a\"b\\\"c");
    assertThat(JSON.readTree(capped(json, 100, 8192)).get("model").asText()).isEqualTo("m");
  }

  @Test
  void randomDocumentsParseToTheirStringsCutAtEveryBufferSize() throws Exception {
    Random rnd = new Random(18);
    String[] alphabet = {
      "a", "Z", " ", "\u00e9", "\u4e2d", "\uD83D\uDE00", "\"", "\\", "\n", "\t", "\u0001", "/"
    };
    for (int doc = 0; doc < 200; doc++) {
      ObjectNode root = JSON.createObjectNode();
      ArrayNode input = root.putArray("input");
      List<String> texts = new ArrayList<>();
      for (int t = 0; t < 1 + rnd.nextInt(5); t++) {
        StringBuilder b = new StringBuilder();
        for (int c = 0; c < rnd.nextInt(40); c++) {
          b.append(alphabet[rnd.nextInt(alphabet.length)]);
        }
        texts.add(b.toString());
        input.add(b.toString());
      }
      root.put("model", "base");
      // Jackson escapes quotes, backslashes and controls; non-ASCII as escapes half of the time
      String json =
          rnd.nextBoolean()
              ? JSON.writeValueAsString(root)
              : JSON.writer()
                  .with(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII)
                  .writeValueAsString(root);
      int cap = 6 + rnd.nextInt(20); // at least the keys' length
      for (int readSize : new int[] {1, 2, 5, 7, 64, 8192}) {
        JsonNode parsed = JSON.readTree(capped(json, cap, readSize));
        for (int i = 0; i < texts.size(); i++) {
          assertThat(parsed.get("input").get(i).asText())
              .as("doc %d, cap %d, reads of %d: %s", doc, cap, readSize, json)
              .isEqualTo(cut(texts.get(i), cap));
        }
      }
    }
  }

  @Test
  void invalidJsonStaysInvalid() {
    assertThatThrownBy(() -> JSON.readTree(capped("{\"input\": \"abcdefgh", 3, 8192)))
        .isInstanceOf(JsonProcessingException.class);
    assertThatThrownBy(() -> JSON.readTree(capped("{\"input\": \"ab\\x\"}", 3, 8192)))
        .isInstanceOf(JsonProcessingException.class);
  }

  @Test
  void anEightMegabyteStringComesOutAtTheCap() throws Exception {
    String json = "{\"input\":\"" + "word ".repeat(8 * 1024 * 1024 / 5) + "\",\"model\":\"base\"}";
    String out = capped(json, 4097, 8000);
    assertThat(out).hasSize("{\"input\":\"\",\"model\":\"base\"}".length() + 4097);
  }
}
