package io.lorastream.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lorastream.model.InputType;
import io.lorastream.server.adapters.ModelSpec;
import io.lorastream.server.config.RequestLimits;
import io.lorastream.server.config.TextLimitPolicy;
import java.nio.charset.StandardCharsets;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class EmbeddingRequestParserTest {

  private final EmbeddingRequestParser parser =
      new EmbeddingRequestParser(
          new RequestLimits(8192, 4, 1 << 20, 16, 40, 8),
          TextLimitPolicy.TRUNCATE,
          384,
          "sentence-transformers/all-MiniLM-L6-v2");

  private EmbeddingRequest parse(String json) {
    return parser.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private static void assertApiError(ThrowingCallable call, int status, String param, String text) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(status);
              assertThat(e.param()).isEqualTo(param);
            })
        .hasMessageContaining(text);
  }

  @Test
  void aSingleStringIsOneInputWithOpenAiDefaults() {
    EmbeddingRequest r = parse("{\"input\":\"hello\",\"model\":\"base\",\"user\":\"ignored\"}");
    assertThat(r.input()).containsExactly("hello");
    assertThat(r.model()).isEqualTo(ModelSpec.BASE_MODEL);
    assertThat(r.dimensions()).isNull();
    assertThat(r.encodingFormat()).isEqualTo(EncodingFormat.FLOAT);
    assertThat(r.inputType()).as("the documented default").isEqualTo(InputType.QUERY);
  }

  @Test
  void arraysVersionsDimensionsFormatAndInputTypeAreRead() {
    EmbeddingRequest r =
        parse(
            "{\"input\":[\"a\",\"b\"],\"model\":\"scifact@000003\",\"dimensions\":64,"
                + "\"encoding_format\":\"base64\",\"input_type\":\"document\"}");
    assertThat(r.input()).containsExactly("a", "b");
    assertThat(r.model()).isEqualTo(new ModelSpec("scifact", 3));
    assertThat(r.dimensions()).isEqualTo(64);
    assertThat(r.encodingFormat()).isEqualTo(EncodingFormat.BASE64);
    assertThat(r.inputType()).isEqualTo(InputType.DOCUMENT);
    assertThat(parse("{\"input\":\"a\",\"model\":\"scifact\"}").model())
        .isEqualTo(new ModelSpec("scifact", null));
    assertThat(
            parse("{\"input\":\"a\",\"model\":\"sentence-transformers/all-MiniLM-L6-v2\"}").model())
        .as("the base model's own name")
        .isEqualTo(ModelSpec.BASE_MODEL);
  }

  @Test
  void emptyOrMissingInputIsABadRequest() {
    assertApiError(() -> parse("{\"model\":\"base\"}"), 400, "input", "'input' is required");
    assertApiError(
        () -> parse("{\"input\":\"\",\"model\":\"base\"}"), 400, "input", "empty string");
    assertApiError(() -> parse("{\"input\":[],\"model\":\"base\"}"), 400, "input", "empty array");
    assertApiError(
        () -> parse("{\"input\":[\"a\",\"\"],\"model\":\"base\"}"), 400, "input", "'input[1]'");
    assertApiError(
        () -> parse("{\"input\":{\"text\":\"a\"},\"model\":\"base\"}"), 400, "input", "got object");
  }

  @Test
  void tooManyInputsIsABadRequestNamingTheLimit() {
    assertApiError(
        () -> parse("{\"input\":[\"a\",\"b\",\"c\",\"d\",\"e\"],\"model\":\"base\"}"),
        400,
        "input",
        "at most 4");
  }

  @Test
  void tokenIdArraysAreRefusedWithAClearMessage() {
    assertApiError(
        () -> parse("{\"input\":[101,2023,102],\"model\":\"base\"}"), 400, "input", "token ids");
    assertApiError(
        () -> parse("{\"input\":[[101,102]],\"model\":\"base\"}"), 400, "input", "token ids");
  }

  @Test
  void dimensionsOutsideOneToTheModelWidthAreBadRequests() {
    assertApiError(
        () -> parse("{\"input\":\"a\",\"model\":\"base\",\"dimensions\":0}"),
        400,
        "dimensions",
        "got 0");
    assertApiError(
        () -> parse("{\"input\":\"a\",\"model\":\"base\",\"dimensions\":385}"),
        400,
        "dimensions",
        "from 1 to 384");
    assertApiError(
        () -> parse("{\"input\":\"a\",\"model\":\"base\",\"dimensions\":12.5}"),
        400,
        "dimensions",
        "integer");
    assertThat(parse("{\"input\":\"a\",\"model\":\"base\",\"dimensions\":384}").dimensions())
        .isEqualTo(384);
  }

  @Test
  void unknownFormatsAndInputTypesAreBadRequests() {
    assertApiError(
        () -> parse("{\"input\":\"a\",\"model\":\"base\",\"encoding_format\":\"int8\"}"),
        400,
        "encoding_format",
        "'float' or 'base64'");
    assertApiError(
        () -> parse("{\"input\":\"a\",\"model\":\"base\",\"input_type\":\"passage\"}"),
        400,
        "input_type",
        "'query' (the default) or 'document'");
  }

  @Test
  void malformedJsonAndNonObjectsAreBadRequests() {
    assertApiError(() -> parse("{\"input\": \"a\""), 400, null, "could not parse the JSON body");
    assertApiError(() -> parse("[\"a\"]"), 400, null, "must be a JSON object");
  }

  @Test
  void missingOrMalformedModelNamesAreRefused() {
    assertApiError(() -> parse("{\"input\":\"a\"}"), 400, "model", "'model' is required");
    assertApiError(
        () -> parse("{\"input\":\"a\",\"model\":\"Not A Name\"}"), 404, "model", "does not exist");
    assertApiError(
        () -> parse("{\"input\":\"a\",\"model\":\"scifact@0\"}"),
        404,
        "model",
        "versions are 1 to");
  }

  @Test
  void textsOverMaxTextCharsAreCutToItInCodePointsWhenTruncating() {
    // 16 code points allowed; the emoji is one code point but two UTF-16 chars
    String emoji = "\uD83D\uDE00";
    EmbeddingRequest r =
        parse(
            "{\"input\":[\"short\",\""
                + "x".repeat(15)
                + emoji
                + "tail\",\""
                + emoji.repeat(16)
                + "\"],\"model\":\"base\"}");
    assertThat(r.input().get(0)).isEqualTo("short");
    assertThat(r.input().get(1)).isEqualTo("x".repeat(15) + emoji);
    assertThat(r.input().get(2)).as("exactly the limit: not cut").isEqualTo(emoji.repeat(16));
    assertThat(r.cutInputs()).containsExactly(1);
  }

  @Test
  void textsOverMaxTextCharsAreRefusedWith413NamingTheLimitWhenRejecting() {
    EmbeddingRequestParser strict =
        new EmbeddingRequestParser(
            new RequestLimits(8192, 4, 1 << 20, 16, 40, 8),
            TextLimitPolicy.REJECT,
            384,
            "base-name");
    assertApiError(
        () ->
            strict.parse(
                ("{\"input\":[\"ok\",\"" + "y".repeat(17) + "\"],\"model\":\"base\"}")
                    .getBytes(StandardCharsets.UTF_8)),
        413,
        "input",
        "'input[1]' is longer than 16 characters");
    assertThatThrownBy(
            () ->
                strict.parse(
                    ("{\"input\":\"" + "y".repeat(17) + "\",\"model\":\"base\"}")
                        .getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("max-text-chars")
        .hasMessageContaining("reject");
    assertThat(
            strict
                .parse(
                    "{\"input\":\"yyyyyyyyyyyyyyyy\",\"model\":\"base\"}"
                        .getBytes(StandardCharsets.UTF_8))
                .cutInputs())
        .isEmpty();
  }

  @Test
  void requestsOverMaxRequestCharsAfterCuttingAre413() {
    // 3 texts cut to 16 = 48 > 40
    assertApiError(
        () ->
            parse(
                "{\"input\":[\""
                    + "a".repeat(100)
                    + "\",\""
                    + "b".repeat(100)
                    + "\",\""
                    + "c".repeat(100)
                    + "\"],\"model\":\"base\"}"),
        413,
        "input",
        "holds 48 characters in all");
    // 16 + 16 + 8 = 40: just fits
    assertThat(
            parse(
                    "{\"input\":[\""
                        + "a".repeat(100)
                        + "\",\""
                        + "b".repeat(16)
                        + "\",\""
                        + "c".repeat(8)
                        + "\"],\"model\":\"base\"}")
                .input())
        .hasSize(3);
    assertThatThrownBy(
            () ->
                parse(
                    "{\"input\":[\""
                        + "a".repeat(16)
                        + "\",\""
                        + "b".repeat(16)
                        + "\",\""
                        + "c".repeat(9)
                        + "\"],\"model\":\"base\"}"))
        .hasMessageContaining("max-request-chars")
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.code()).isEqualTo("request_too_large"));
  }
}
