package io.lorastream.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.lorastream.model.adapter.AdapterKey;
import io.lorastream.server.adapters.AdapterCatalog;
import io.lorastream.server.adapters.AdapterRegistry;
import io.lorastream.server.adapters.AdapterState;
import io.lorastream.server.adapters.AdapterVersion;
import io.lorastream.server.adapters.PinPublisher;
import io.lorastream.server.adapters.PinRecord;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Pin, unpin and roll back, as admin endpoints. None of them changes this replica directly: each
 * publishes to the compacted adapter-pins topic, which every replica (this one included) follows,
 * so all replicas on the broker obey the same pins. The call then waits up to pin-timeout to see
 * its own record applied here and answers 200 with the adapter's state, or 202 when the record is
 * published but not applied yet.
 *
 * <ul>
 *   <li>{@code POST /admin/adapters/{adapter}/pin} with {@code {"version": N}}: serve version N for
 *       {@code <adapter>} requests until unpinned, even when newer versions arrive.
 *   <li>{@code DELETE /admin/adapters/{adapter}/pin}: serve the newest version again.
 *   <li>{@code POST /admin/adapters/{adapter}/rollback}: pin the newest loaded version older than
 *       the one served now (so repeated rollbacks step further back); 409 when there is none.
 *   <li>{@code GET /admin/adapters}: every adapter's versions and pin.
 * </ul>
 */
final class AdminService {

  private final AdapterRegistry registry;
  private final PinPublisher publisher;
  private final ModelsView view;
  private final String instanceId;
  private final Duration timeout;

  AdminService(
      AdapterRegistry registry,
      PinPublisher publisher,
      ModelsView view,
      String instanceId,
      Duration timeout) {
    this.registry = registry;
    this.publisher = publisher;
    this.view = view;
    this.instanceId = instanceId;
    this.timeout = timeout;
  }

  void list(Context ctx) {
    AdapterCatalog c = registry.catalog();
    ObjectNode root = ModelsView.JSON.createObjectNode();
    root.put("instance", instanceId);
    root.put("caught_up", c.caughtUp());
    ArrayNode adapters = root.putArray("adapters");
    for (AdapterState s : c.adapters().values()) {
      ObjectNode a = view.adapter(c, s);
      ArrayNode versions = a.putArray("versions");
      s.versions().values().forEach(v -> versions.add(view.version(v)));
      adapters.add(a);
    }
    HttpSupport.json(ctx, 200, ModelsService.bytes(root));
  }

  void pin(Context ctx) {
    String adapter = adapterName(ctx);
    int version = requestedVersion(ctx);
    AdapterState state = loaded(adapter);
    if (!state.versions().containsKey(version)) {
      throw ApiErrors.notFound(
          "Adapter '"
              + adapter
              + "' has no version "
              + version
              + " loaded; loaded versions are "
              + state.versions().keySet()
              + " (the newest retained-versions are kept).",
          "version",
          "version_not_found");
    }
    AdapterVersion serving = registry.catalog().serving(adapter);
    publishPin(
        ctx,
        new PinRecord(
            adapter,
            version,
            PinRecord.Action.PIN,
            serving.version(),
            Instant.now(),
            instanceId,
            UUID.randomUUID().toString()));
  }

  void rollback(Context ctx) {
    if (JsonBody.present(ctx)) {
      JsonBody.requireJson(
          ctx); // it takes no body, but one that is sent must be JSON like every other
    }
    String adapter = adapterName(ctx);
    AdapterState state = loaded(adapter);
    AdapterVersion serving = registry.catalog().serving(adapter);
    AdapterVersion previous = state.before(serving.version());
    if (previous == null) {
      throw ApiErrors.conflict(
          "Adapter '"
              + adapter
              + "' serves version "
              + serving.version()
              + " and has no older version loaded"
              + " (loaded: "
              + state.versions().keySet()
              + "); nothing to roll back to.",
          "no_previous_version");
    }
    publishPin(
        ctx,
        new PinRecord(
            adapter,
            previous.version(),
            PinRecord.Action.ROLLBACK,
            serving.version(),
            Instant.now(),
            instanceId,
            UUID.randomUUID().toString()));
  }

  void unpin(Context ctx) {
    String adapter = adapterName(ctx);
    if (!registry.catalog().pins().containsKey(adapter)) {
      answer(ctx, adapter, true, "not pinned");
      return;
    }
    try {
      publisher.unpin(adapter, timeout.toMillis());
    } catch (ExecutionException | TimeoutException e) {
      throw ApiErrors.unavailable(
          "Could not publish the unpin to Kafka: " + e, "kafka_unavailable");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiErrors.unavailable("Interrupted while publishing the unpin.", "interrupted");
    }
    boolean applied = await(c -> !c.pins().containsKey(adapter));
    answer(ctx, adapter, applied, "unpinned");
  }

  private void publishPin(Context ctx, PinRecord pin) {
    try {
      publisher.pin(pin, timeout.toMillis());
    } catch (ExecutionException | TimeoutException e) {
      throw ApiErrors.unavailable("Could not publish the pin to Kafka: " + e, "kafka_unavailable");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiErrors.unavailable("Interrupted while publishing the pin.", "interrupted");
    }
    boolean applied =
        await(
            c ->
                c.pins().get(pin.adapter()) != null
                    && c.pins().get(pin.adapter()).id().equals(pin.id()));
    answer(ctx, pin.adapter(), applied, pin.action().json() + " to version " + pin.version());
  }

  private boolean await(Predicate<AdapterCatalog> condition) {
    CompletableFuture<AdapterCatalog> applied = registry.when(condition);
    try {
      applied.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      applied.cancel(false); // no-op when done; otherwise the registry forgets the waiter
    }
  }

  private void answer(Context ctx, String adapter, boolean applied, String what) {
    AdapterCatalog c = registry.catalog();
    ObjectNode root = ModelsView.JSON.createObjectNode();
    root.put("adapter", adapter);
    root.put("action", what);
    root.put("applied", applied);
    if (!applied) {
      root.put(
          "message",
          "published to the pins topic; this replica has not applied it within " + timeout);
    }
    AdapterState s = c.adapters().get(adapter);
    if (s != null) {
      root.set("state", view.adapter(c, s));
    }
    HttpSupport.json(ctx, applied ? 200 : 202, ModelsService.bytes(root));
  }

  private AdapterState loaded(String adapter) {
    AdapterState state = registry.catalog().adapters().get(adapter);
    if (state == null) {
      throw ApiErrors.notFound(
          "No adapter named '" + adapter + "' is loaded; GET /admin/adapters lists them.",
          "adapter",
          "model_not_found");
    }
    return state;
  }

  private static String adapterName(Context ctx) {
    String a = ctx.pathParam("adapter");
    try {
      return AdapterKey.requireValidName(a);
    } catch (IllegalArgumentException e) {
      throw ApiErrors.notFound(e.getMessage(), "adapter", "model_not_found");
    }
  }

  private static int requestedVersion(Context ctx) {
    JsonBody.requireJson(ctx);
    JsonNode body;
    try {
      body = ModelsView.JSON.readTree(ctx.bodyAsBytes());
    } catch (IOException e) {
      throw ApiErrors.badRequest(
          "The body must be JSON such as {\"version\": 2}.", "version", "invalid_json");
    }
    JsonNode v = body == null ? null : body.get("version");
    if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1) {
      throw ApiErrors.badRequest(
          "'version' must be a version number >= 1, e.g. {\"version\": 2}.", "version");
    }
    return v.asInt();
  }
}
