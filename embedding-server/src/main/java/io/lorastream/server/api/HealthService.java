package io.lorastream.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.lorastream.server.adapters.AdapterRegistry;
import io.lorastream.server.adapters.WatcherStatus;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * {@code GET /health/live} and {@code GET /health/ready}. Ready is 200 once the adapters topic was
 * read to the end offsets it had at start, and stays 200 when Kafka becomes unreachable afterwards:
 * the replica still serves the base model and every version it loaded, and taking all replicas out
 * of a load balancer because Kafka is down would turn a Kafka outage into an outage of the API. The
 * body says what the adapter watcher is doing either way:
 *
 * <pre>
 * {"status":"ready","adapters":{"state":"following","since":"...","last_contact":"...","detail":null}}
 * {"status":"not_ready","detail":"...","adapters":{"state":"unreachable","since":"...","last_contact":null,
 *  "detail":"catching up with ... failed: ...TimeoutException..."}}
 * </pre>
 */
final class HealthService {

  private final AdapterRegistry registry;
  private final Supplier<WatcherStatus> watcher;
  private final String adaptersTopic;
  private final Duration retryAfter;

  HealthService(
      AdapterRegistry registry,
      Supplier<WatcherStatus> watcher,
      String adaptersTopic,
      Duration retryAfter) {
    this.registry = registry;
    this.watcher = watcher;
    this.adaptersTopic = adaptersTopic;
    this.retryAfter = retryAfter;
  }

  void live(Context ctx) {
    ObjectNode root = ModelsView.JSON.createObjectNode();
    root.put("status", "live");
    HttpSupport.json(ctx, 200, ModelsService.bytes(root));
  }

  void ready(Context ctx) {
    ObjectNode root = ModelsView.JSON.createObjectNode();
    boolean ready = registry.catalog().caughtUp();
    root.put("status", ready ? "ready" : "not_ready");
    if (!ready) {
      root.put("detail", "reading the adapters topic " + adaptersTopic + " up to its end offsets");
      ctx.header("Retry-After", Long.toString(HttpSupport.retryAfterSeconds(retryAfter)));
    }
    WatcherStatus s = watcher.get();
    ObjectNode a = root.putObject("adapters");
    a.put("state", s.state().json());
    a.put("since", s.since().toString());
    a.put("last_contact", s.lastContact() == null ? null : s.lastContact().toString());
    a.put("detail", s.detail());
    HttpSupport.json(ctx, ready ? 200 : 503, ModelsService.bytes(root));
  }
}
