package io.lorastream.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lorastream.server.testing.RawHttp;
import io.lorastream.server.testing.ServerHarness;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every status the server answers carries OpenAI's error JSON, including those Jetty answers before
 * any route runs; a body that is not JSON is refused with 415.
 */
class ErrorStatusesIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EMBED = "{\"model\":\"base\",\"input\":\"Aspirin thins blood.\"}";

  private static ServerHarness harness;
  private static EmbeddingServer server;
  private static EmbeddingServer oneAtATime;

  @BeforeAll
  static void start() throws Exception {
    harness = new ServerHarness();
    server = harness.start("errors", Map.of());
    oneAtATime =
        harness.start("errors-one", Map.of("max-concurrent-requests", "1", "retry-after", "1s"));
  }

  @AfterAll
  static void stop() {
    if (harness != null) {
      harness.close();
    }
  }

  private static JsonNode error(HttpResponse<String> r, int status) throws Exception {
    return error(
        r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), status);
  }

  private static JsonNode error(RawHttp.Response r, int status) throws Exception {
    return error(r.status(), r.headers().getOrDefault("content-type", ""), r.body(), status);
  }

  private static JsonNode error(int got, String contentType, String body, int status)
      throws Exception {
    assertThat(got).as(body).isEqualTo(status);
    assertThat(contentType).as(body).startsWith("application/json");
    JsonNode e = JSON.readTree(body).get("error");
    assertThat(e).as("OpenAI error shape: %s", body).isNotNull();
    assertThat(e.get("message").asText()).isNotBlank();
    assertThat(e.has("type") && e.has("param") && e.has("code")).as(body).isTrue();
    assertThat(e.get("type").asText())
        .isEqualTo(
            status == 429
                ? "rate_limit_error"
                : status >= 500 ? "server_error" : "invalid_request_error");
    return e;
  }

  private static RawHttp.Response raw(EmbeddingServer s, String request) throws Exception {
    return RawHttp.exchange("127.0.0.1", s.port(), request.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static void stillServes(EmbeddingServer s) throws Exception {
    assertThat(harness.post(s, "/v1/embeddings", EMBED, ServerHarness.API_KEY).statusCode())
        .isEqualTo(200);
  }

  @Test
  void bodiesThatAreNotJsonAre415() throws Exception {
    for (String type :
        new String[] {
          "text/plain",
          "application/x-www-form-urlencoded",
          "application/xml",
          "application/json; charset=iso-8859-1"
        }) {
      JsonNode e =
          error(harness.post(server, "/v1/embeddings", EMBED, ServerHarness.API_KEY, type), 415);
      assertThat(e.get("code").asText()).isEqualTo("unsupported_media_type");
      assertThat(e.get("message").asText()).contains("application/json");
    }
    error(harness.post(server, "/v1/embeddings", EMBED, ServerHarness.API_KEY, null), 415);
    error(
        harness.post(
            server,
            "/admin/adapters/scifact/pin",
            "{\"version\":1}",
            ServerHarness.ADMIN_KEY,
            "text/plain"),
        415);
    // what clients send: JSON, with or without charset, and JSON subtypes
    for (String type :
        new String[] {
          "application/json",
          "application/json; charset=utf-8",
          "Application/JSON;charset=UTF-8",
          "application/vnd.api+json"
        }) {
      assertThat(
              harness
                  .post(server, "/v1/embeddings", EMBED, ServerHarness.API_KEY, type)
                  .statusCode())
          .as(type)
          .isEqualTo(200);
    }
  }

  @Test
  void theKeyIsCheckedBeforeTheContentType() throws Exception {
    error(harness.post(server, "/v1/embeddings", EMBED, null, "text/plain"), 401);
  }

  @Test
  void unknownPathsAndMethodsAreJson() throws Exception {
    assertThat(error(harness.get(server, "/nothing/here", null), 404).get("code").asText())
        .isEqualTo("unknown_url");
    JsonNode e = error(harness.delete(server, "/v1/embeddings", ServerHarness.API_KEY), 405);
    assertThat(e.get("code").asText()).isEqualTo("method_not_allowed");
    error(raw(server, "PUT /health/live HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"), 405);
  }

  @Test
  void headersOverMaxHeaderBytesAre431() throws Exception {
    String big = "x".repeat(20_000);
    JsonNode e =
        error(raw(server, "GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n"), 431);
    assertThat(e.get("code").asText()).isEqualTo("headers_too_large");
    assertThat(e.get("message").asText()).contains("max-header-bytes");
    stillServes(server);
  }

  @Test
  void aRequestLineOverMaxHeaderBytesIs414() throws Exception {
    JsonNode e =
        error(
            raw(server, "GET /v1/models?" + "q".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"),
            414);
    assertThat(e.get("code").asText()).isEqualTo("uri_too_long");
    stillServes(server);
  }

  @Test
  void requestsThatAreNotHttpAre400() throws Exception {
    error(raw(server, "GARBAGE\r\n\r\n"), 400);
    error(
        raw(
            server,
            "GET /v1/models HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n"),
        400);
    error(
        raw(server, "POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n"),
        400);
    stillServes(server);
  }

  @Test
  void anHttpVersionJettyDoesNotSpeakIsJsonToo() throws Exception {
    RawHttp.Response r = raw(server, "GET /v1/models HTTP/3.0\r\nHost: x\r\n\r\n");
    assertThat(r.status()).isGreaterThanOrEqualTo(400);
    error(r, r.status());
  }

  @Test
  void aRequestBeyondTheConcurrencyLimitGets429WithRetryAfter() throws Exception {
    // a slow upload holds the only slot: headers and half of the announced body, then nothing
    try (Socket slow = new Socket("127.0.0.1", oneAtATime.port())) {
      OutputStream out = slow.getOutputStream();
      out.write(
          ("POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                  + ServerHarness.API_KEY
                  + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"model\":\"base\",")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      org.awaitility.Awaitility.await()
          .until(
              () ->
                  harness
                      .get(oneAtATime, "/metrics", null)
                      .body()
                      .contains("lorastream_server_requests_admitted 1.0"));
      long start = System.nanoTime();
      HttpResponse<String> refused =
          harness.post(oneAtATime, "/v1/embeddings", EMBED, ServerHarness.API_KEY);
      long waitedMs = (System.nanoTime() - start) / 1_000_000;
      JsonNode e = error(refused, 429);
      assertThat(e.get("code").asText()).isEqualTo("too_many_concurrent_requests");
      assertThat(e.get("message").asText()).contains("max-concurrent-requests");
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(waitedMs).as("it waited up to retry-after for a turn").isGreaterThanOrEqualTo(900);
    }
    // the slow client is gone: its slot is free again
    org.awaitility.Awaitility.await().untilAsserted(() -> stillServes(oneAtATime));
  }

  @Test
  void healthIsJsonAndReportsTheAdapterWatcher() throws Exception {
    HttpResponse<String> ready = harness.get(server, "/health/ready", null);
    assertThat(ready.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(ready.body());
    assertThat(body.get("status").asText()).isEqualTo("ready");
    assertThat(body.at("/adapters/state").asText()).isEqualTo("following");
    assertThat(body.at("/adapters/last_contact").asText()).isNotBlank();
    assertThat(
            JSON.readTree(harness.get(server, "/health/live", null).body()).get("status").asText())
        .isEqualTo("live");
  }
}
