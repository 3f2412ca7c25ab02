package io.lorastream.cli.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A client of the embeddings API that asks for the adapter every {@code period} and records every
 * answer: its status, the version the server says it used, and when it was asked and answered.
 */
final class ServingProbe implements AutoCloseable {

  /**
   * One request: wall-clock ms when sent and answered, HTTP status (-1: no answer), version header.
   */
  record Call(long sentMs, long answeredMs, int status, String version) {
    long latencyMs() {
      return answeredMs - sentMs;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI base;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean stopped;

  ServingProbe(URI base, String model, Duration period) {
    this.base = base;
    byte[] body =
        ("{\"input\": [\"how do tumours evade the immune system\"], \"model\": \"" + model + "\"}")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    this.thread =
        new Thread(
            () -> {
              while (!stopped) {
                long sent = System.currentTimeMillis();
                int status;
                String version = null;
                try {
                  HttpResponse<byte[]> r =
                      http.send(
                          HttpRequest.newBuilder(base.resolve("/v1/embeddings"))
                              .timeout(Duration.ofSeconds(30))
                              .header("Content-Type", "application/json")
                              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                              .build(),
                          HttpResponse.BodyHandlers.ofByteArray());
                  status = r.statusCode();
                  version = r.headers().firstValue("X-Lorastream-Model-Version").orElse(null);
                } catch (IOException e) {
                  status = -1;
                } catch (InterruptedException e) {
                  return;
                }
                calls.add(new Call(sent, System.currentTimeMillis(), status, version));
                try {
                  Thread.sleep(period.toMillis());
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "serving-probe");
    thread.setDaemon(true);
  }

  ServingProbe start() {
    thread.start();
    return this;
  }

  List<Call> calls() {
    return new ArrayList<>(calls);
  }

  /** The version of {@code adapter} the server serves per GET /v1/models, or -1 if none yet. */
  static int servingVersion(URI base, String adapter) throws IOException, InterruptedException {
    HttpResponse<byte[]> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(base.resolve("/v1/models"))
                    .timeout(Duration.ofSeconds(30))
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      return -1;
    }
    for (JsonNode m : JSON.readTree(r.body()).path("data")) {
      if (adapter.equals(m.path("id").asText())) {
        JsonNode v = m.path("serving_version");
        return v.isNumber() ? v.asInt() : -1;
      }
    }
    return -1;
  }

  @Override
  public void close() throws InterruptedException {
    stopped = true;
    thread.interrupt();
    thread.join(10_000);
  }
}
