package io.lorastream.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lorastream.model.adapter.AdaptationMode;
import io.lorastream.server.testing.ServerHarness;
import io.lorastream.server.testing.TestAdapters;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two server instances on one broker: a pin, a rollback or an unpin sent to either is published to
 * the pins topic and both obey it.
 */
class PinRollbackIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static ServerHarness harness;
  private static EmbeddingServer a;
  private static EmbeddingServer b;

  @BeforeAll
  static void start() throws Exception {
    harness = new ServerHarness();
    a = harness.start("replica-a", Map.of("retained-versions", "3"));
    b = harness.start("replica-b", Map.of("retained-versions", "3"));
  }

  @AfterAll
  static void stop() {
    if (harness != null) {
      harness.close();
    }
  }

  private static void publish(int version) throws Exception {
    harness.publish(
        "scifact",
        version,
        TestAdapters.randomWeights(ServerHarness.base().config(), version),
        AdaptationMode.QUERY);
  }

  /** The version a plain "scifact" request is served with, as the response header says. */
  private static String served(EmbeddingServer s) throws Exception {
    HttpResponse<String> r =
        harness.post(
            s,
            "/v1/embeddings",
            "{\"model\":\"scifact\",\"input\":\"query\"}",
            ServerHarness.API_KEY);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.headers().firstValue("X-Lorastream-Model-Version").orElseThrow();
  }

  private static void bothServe(String version) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(served(a)).isEqualTo(version);
              assertThat(served(b)).isEqualTo(version);
            });
  }

  private static HttpResponse<String> admin(
      EmbeddingServer s, String method, String path, String body) throws Exception {
    return switch (method) {
      case "POST" -> harness.post(s, path, body, ServerHarness.ADMIN_KEY);
      case "DELETE" -> harness.delete(s, path, ServerHarness.ADMIN_KEY);
      default -> harness.get(s, path, ServerHarness.ADMIN_KEY);
    };
  }

  @Test
  void bothReplicasFollowPinsRollbacksAndUnpinsSentToEither() throws Exception {
    publish(1);
    publish(2);
    publish(3);
    bothServe("scifact@3");

    // rollback on A: both go to the version before the served one
    HttpResponse<String> rollback = admin(a, "POST", "/admin/adapters/scifact/rollback", "");
    assertThat(rollback.statusCode()).as(rollback.body()).isEqualTo(200);
    JsonNode state = JSON.readTree(rollback.body());
    assertThat(state.get("applied").asBoolean()).isTrue();
    assertThat(state.at("/state/serving_version").asInt()).isEqualTo(2);
    assertThat(state.at("/state/pin/from_version").asInt()).isEqualTo(3);
    bothServe("scifact@2");

    // rollback again steps further back; a third has nowhere to go
    assertThat(admin(b, "POST", "/admin/adapters/scifact/rollback", "").statusCode())
        .isEqualTo(200);
    bothServe("scifact@1");
    HttpResponse<String> none = admin(a, "POST", "/admin/adapters/scifact/rollback", "");
    assertThat(none.statusCode()).isEqualTo(409);
    assertThat(JSON.readTree(none.body()).at("/error/code").asText())
        .isEqualTo("no_previous_version");

    // pin on B to v2; a newer version arrives and the pin holds on both
    assertThat(admin(b, "POST", "/admin/adapters/scifact/pin", "{\"version\":2}").statusCode())
        .isEqualTo(200);
    bothServe("scifact@2");
    publish(4);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                a.registry().catalog().adapters().get("scifact").latest().version() == 4
                    && b.registry().catalog().adapters().get("scifact").latest().version() == 4);
    bothServe("scifact@2");
    // explicit versions are still served while pinned
    HttpResponse<String> explicit =
        harness.post(
            a,
            "/v1/embeddings",
            "{\"model\":\"scifact@4\",\"input\":\"q\"}",
            ServerHarness.API_KEY);
    assertThat(explicit.headers().firstValue("X-Lorastream-Model-Version")).hasValue("scifact@4");
    JsonNode models =
        JSON.readTree(harness.get(b, "/v1/models/scifact", ServerHarness.API_KEY).body());
    assertThat(models.get("current_version").asInt()).isEqualTo(4);
    assertThat(models.get("pinned_version").asInt()).isEqualTo(2);
    assertThat(models.get("serving_version").asInt()).isEqualTo(2);
    assertThat(models.get("retained_versions"))
        .extracting(JsonNode::asInt)
        .containsExactly(2, 3, 4);

    // unpin on A: both serve the newest again
    HttpResponse<String> unpin = admin(a, "DELETE", "/admin/adapters/scifact/pin", null);
    assertThat(unpin.statusCode()).as(unpin.body()).isEqualTo(200);
    bothServe("scifact@4");

    // pins name loaded versions only; admin endpoints take the admin key only
    assertThat(admin(a, "POST", "/admin/adapters/scifact/pin", "{\"version\":1}").statusCode())
        .isEqualTo(404);
    assertThat(admin(a, "POST", "/admin/adapters/nothing/pin", "{\"version\":1}").statusCode())
        .isEqualTo(404);
    assertThat(
            admin(a, "POST", "/admin/adapters/scifact/pin", "{\"version\":\"two\"}").statusCode())
        .isEqualTo(400);
    assertThat(
            harness
                .post(a, "/admin/adapters/scifact/rollback", "", ServerHarness.API_KEY)
                .statusCode())
        .isEqualTo(401);
    JsonNode list = JSON.readTree(admin(b, "GET", "/admin/adapters", null).body());
    assertThat(list.get("instance").asText()).isEqualTo("replica-b");
    assertThat(list.at("/adapters/0/versions"))
        .extracting(v -> v.get("id").asText())
        .containsExactlyElementsOf(List.of("scifact@2", "scifact@3", "scifact@4"));
  }
}
