package io.lorastream.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.lorastream.server.adapters.AdapterRegistry;
import java.io.UncheckedIOException;

/** {@code GET /v1/models} and {@code GET /v1/models/{model}}. */
final class ModelsService {

  private final AdapterRegistry registry;
  private final ModelsView view;

  ModelsService(AdapterRegistry registry, ModelsView view) {
    this.registry = registry;
    this.view = view;
  }

  void list(Context ctx) {
    HttpSupport.json(ctx, 200, bytes(view.list(registry.catalog())));
  }

  void get(Context ctx) {
    String id = ctx.pathParam("model");
    ObjectNode n = view.find(registry.catalog(), id);
    if (n == null) {
      throw ApiErrors.notFound(
          "The model '" + id + "' does not exist; GET /v1/models lists the served ones.",
          "model",
          "model_not_found");
    }
    HttpSupport.json(ctx, 200, bytes(n));
  }

  static byte[] bytes(ObjectNode n) {
    try {
      return ModelsView.JSON.writeValueAsBytes(n);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
