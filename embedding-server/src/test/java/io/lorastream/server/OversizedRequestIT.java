package io.lorastream.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lorastream.server.testing.OfflineEmbedder;
import io.lorastream.server.testing.ProcessMemory;
import io.lorastream.server.testing.RawHttp;
import io.lorastream.server.testing.ServerHarness;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Oversized requests (issue 18): eight concurrent requests of one 8 MB string each used to be
 * answered while the server's RSS grew from 790 MB to 5.2 GB and stayed there, because the
 * tokenizer tokenizes a whole text before it truncates. Now texts are cut to max-text-chars before
 * tokenization, inside the concurrency limit.
 */
class OversizedRequestIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SENTENCE =
      "Vitamin D deficiency is associated with an increased risk of hip fractures in older adults. ";
  private static final int MIB = 1024 * 1024;

  /**
   * RSS growth allowed for the flood, in this JVM, which holds the clients too. The server streams
   * each body through a 64 KiB buffer into strings of at most 4,097 characters and tokenizes 8
   * texts of 4,096 characters (under 1 MiB of working memory); the clients hold the 8 MiB string
   * and HttpClient's 8 encoded bodies (72 MiB); the rest is heap G1 may commit for its young
   * generation (this JVM has no young-generation cap). Before the limits the same flood grew a
   * server's RSS by 4.4 GB (790 MB to 5.2 GB); 512 MiB is a ninth of that and twice the 256 MiB
   * measured here with the limits.
   */
  private static final long RSS_GROWTH_BOUND_MIB = 512;

  private static ServerHarness harness;
  private static EmbeddingServer server;
  private static EmbeddingServer strict;

  @BeforeAll
  static void start() throws Exception {
    harness = new ServerHarness();
    server = harness.start("oversized", Map.of());
    strict =
        harness.start(
            "oversized-strict",
            Map.of(
                "text-limit-policy",
                "reject",
                "max-request-bytes",
                "65536",
                "max-request-chars",
                "20000"));
  }

  @AfterAll
  static void stop() {
    if (harness != null) {
      harness.close();
    }
  }

  private static HttpResponse<String> embed(EmbeddingServer s, String body) throws Exception {
    return harness.post(s, "/v1/embeddings", body, ServerHarness.API_KEY);
  }

  private static String request(String... texts) throws Exception {
    return JSON.writeValueAsString(Map.of("model", "base", "input", List.of(texts)));
  }

  private static JsonNode error(HttpResponse<String> r, int status) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    JsonNode e = JSON.readTree(r.body()).get("error");
    assertThat(e).as("OpenAI error shape: %s", r.body()).isNotNull();
    return e;
  }

  private static void aNormalRequestIsAnswered(EmbeddingServer s) throws Exception {
    HttpResponse<String> r =
        embed(s, request("Aspirin thins blood.", "Statins lower cholesterol."));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(JSON.readTree(r.body()).get("data")).hasSize(2);
    assertThat(harness.get(s, "/health/live", null).statusCode()).isEqualTo(200);
  }

  @Test
  void eightConcurrentEightMegabyteStringsAreAnsweredCutAndTheRssStaysBounded() throws Exception {
    String huge = SENTENCE.repeat(8 * MIB / SENTENCE.length() + 1).substring(0, 8 * MIB);
    String body = request(huge);
    for (int i = 0; i < 3; i++) {
      aNormalRequestIsAnswered(server);
    }
    System.gc();
    long before = ProcessMemory.rssMiB();
    double truncatedBefore = truncated();

    ExecutorService clients = Executors.newFixedThreadPool(8);
    List<Future<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      answers.add(clients.submit(() -> embed(server, body)));
    }
    for (Future<HttpResponse<String>> f : answers) {
      HttpResponse<String> r = f.get();
      assertThat(r.statusCode())
          .as(r.body().substring(0, Math.min(300, r.body().length())))
          .isEqualTo(200);
      assertThat(JSON.readTree(r.body()).at("/usage/prompt_tokens").asInt())
          .as("cut, then truncated to max-length")
          .isEqualTo(256);
    }
    clients.shutdown();
    long after = ProcessMemory.rssMiB();
    System.out.printf(
        "{\"test\":\"8 x 8 MB strings\",\"rss_before_mib\":%d,\"rss_after_mib\":%d,\"growth_mib\":%d}%n",
        before, after, after - before);

    assertThat(after - before)
        .as("RSS growth in MiB (before %d, after %d)", before, after)
        .isLessThan(RSS_GROWTH_BOUND_MIB);
    assertThat(truncated() - truncatedBefore).isEqualTo(8);
    aNormalRequestIsAnswered(server);
  }

  @Test
  void aCutTextGetsTheVectorOfTheWholeTextTruncatedByTheTokenizer() throws Exception {
    // 4,096 characters hold far more than 256 tokens of English: cutting there changes no vector
    String longText = SENTENCE.repeat(200);
    JsonNode served =
        JSON.readTree(embed(server, request(longText)).body()).at("/data/0/embedding");
    float[] vector = new float[served.size()];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = served.get(i).floatValue();
    }
    try (OfflineEmbedder offline = new OfflineEmbedder(ServerHarness.base(), 256)) {
      assertThat(OfflineEmbedder.cosine(vector, offline.embed(longText, null)))
          .isGreaterThan(0.99999);
    }
  }

  @Test
  void withRejectATextOverMaxTextCharsIs413NamingTheLimitAndTheSetting() throws Exception {
    JsonNode e = error(embed(strict, request("short", "x".repeat(5000))), 413);
    assertThat(e.get("code").asText()).isEqualTo("input_too_long");
    assertThat(e.get("param").asText()).isEqualTo("input");
    assertThat(e.get("message").asText())
        .contains("'input[1]' is longer than 4096 characters")
        .contains("max-text-chars");
    aNormalRequestIsAnswered(strict);
  }

  @Test
  void requestsOverMaxRequestCharsAre413NamingTheSetting() throws Exception {
    String text = "word ".repeat(800); // 4,000 characters, under max-text-chars
    JsonNode e = error(embed(strict, request(text, text, text, text, text, text)), 413);
    assertThat(e.get("code").asText()).isEqualTo("request_too_large");
    assertThat(e.get("message").asText())
        .contains("24000 characters")
        .contains("max-request-chars");
    aNormalRequestIsAnswered(strict);
  }

  @Test
  void aBodyOverMaxRequestBytesIsRefusedFromItsContentLengthBeforeItIsSent() throws Exception {
    // the headers announce 100 MB and no body byte follows: the answer can only come from the
    // Content-Length
    String head =
        "POST /v1/embeddings HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
            + ServerHarness.API_KEY
            + "\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n";
    RawHttp.Response r =
        RawHttp.exchange("127.0.0.1", strict.port(), head.getBytes(StandardCharsets.US_ASCII));
    assertThat(r.status()).as(r.body()).isEqualTo(413);
    assertThat(r.headers().get("content-type")).startsWith("application/json");
    JsonNode e = JSON.readTree(r.body()).get("error");
    assertThat(e.get("code").asText()).isEqualTo("request_too_large");
    assertThat(e.get("message").asText()).contains("100000000 bytes").contains("max-request-bytes");
    aNormalRequestIsAnswered(strict);
  }

  @Test
  void aChunkedBodyIsRefusedOnceItPassesMaxRequestBytes() throws Exception {
    StringBuilder req =
        new StringBuilder(
            "POST /v1/embeddings HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                + ServerHarness.API_KEY
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
    // valid JSON so far: one text of 80 KiB > 64 KiB, in chunks of 16 KiB
    List<String> chunks = new ArrayList<>(List.of("{\"model\":\"base\",\"input\":\""));
    for (int i = 0; i < 5; i++) {
      chunks.add("x".repeat(16 * 1024));
    }
    chunks.add("\"}");
    for (String chunk : chunks) {
      req.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
    }
    req.append("0\r\n\r\n");
    RawHttp.Response r =
        RawHttp.exchange(
            "127.0.0.1", strict.port(), req.toString().getBytes(StandardCharsets.US_ASCII));
    assertThat(r.status()).as(r.body()).isEqualTo(413);
    assertThat(JSON.readTree(r.body()).at("/error/code").asText()).isEqualTo("request_too_large");
    aNormalRequestIsAnswered(strict);
  }

  private static double truncated() {
    var c = server.metrics().registry().find("lorastream.server.texts.truncated").counter();
    return c == null ? 0 : c.count();
  }
}
