package io.lorastream.server.api;

import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.lorastream.model.tokenize.TextTokenizer;
import io.lorastream.server.adapters.AdapterRegistry;
import io.lorastream.server.adapters.PinPublisher;
import io.lorastream.server.adapters.ServedModel;
import io.lorastream.server.adapters.WatcherStatus;
import io.lorastream.server.batch.DynamicBatcher;
import io.lorastream.server.config.ServerConfig;
import io.lorastream.server.metrics.ServerMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every route of the server, in one place:
 *
 * <pre>
 * POST   /v1/embeddings                       API key    OpenAI-compatible embeddings
 * GET    /v1/models                           API key    base, adapters, versions
 * GET    /v1/models/{model}                   API key    one of them
 * GET    /admin/adapters                      admin key  versions and pins
 * POST   /admin/adapters/{adapter}/pin        admin key  {"version": N}
 * DELETE /admin/adapters/{adapter}/pin        admin key  unpin
 * POST   /admin/adapters/{adapter}/rollback   admin key  pin the version before the served one
 * GET    /health/live                         open       200 while the process serves HTTP
 * GET    /health/ready                        open       200 once the model is loaded and the adapters topic read
 * GET    /metrics                             open       Prometheus text format
 * </pre>
 *
 * Health and metrics are open: probes and scrapers carry no keys, and they reveal no embeddings or
 * texts. Every error, of every status, is JSON in OpenAI's error shape: the routes' own, Javalin's
 * (unknown paths and methods) and Jetty's for requests that never reach a route (headers too large,
 * invalid HTTP).
 */
public final class HttpApi {

  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);

  private HttpApi() {}

  /** The parts the routes need. */
  public record Parts(
      ServerConfig config,
      TextTokenizer tokenizer,
      int dimension,
      AdapterRegistry registry,
      DynamicBatcher<ServedModel> batcher,
      PinPublisher pins,
      ServerMetrics metrics,
      Executor respond,
      Supplier<WatcherStatus> watcher) {}

  public static Javalin create(Parts p) {
    ServerConfig config = p.config();
    Duration retryAfter = config.retryAfter();
    Authenticator auth = new Authenticator(config.auth());
    ModelsView view = new ModelsView(Instant.now(), p.dimension(), config.maxLength());
    Admission admission = new Admission(config.limits().maxConcurrentRequests(), retryAfter);
    p.metrics().requestsAdmitted(admission::inUse);
    EmbeddingsService embeddings =
        new EmbeddingsService(
            new EmbeddingRequestParser(
                config.limits(),
                config.textLimitPolicy(),
                p.dimension(),
                p.registry().catalog().baseId().name()),
            admission,
            config.limits().maxRequestBytes(),
            p.tokenizer(),
            config.textLimitPolicy(),
            p.registry(),
            p.batcher(),
            p.metrics(),
            p.respond(),
            retryAfter);
    HealthService health =
        new HealthService(p.registry(), p.watcher(), config.topics().adapters(), retryAfter);
    ModelsService models = new ModelsService(p.registry(), view);
    AdminService admin =
        new AdminService(
            p.registry(), p.pins(), view, config.instanceId(), config.adapters().pinTimeout());
    ServerMetrics metrics = p.metrics();

    return Javalin.create(
        cfg -> {
          cfg.startup.showJavalinBanner = false;
          cfg.startup.showOldJavalinVersionWarning = false;
          cfg.http.maxRequestSize = config.limits().maxRequestBytes();
          cfg.jetty.modifyHttpConfiguration(
              http -> http.setRequestHeaderSize(config.limits().maxHeaderBytes()));
          cfg.jetty.modifyServer(
              server -> server.setErrorHandler(new JsonErrorHandler(retryAfter)));
          cfg.http.defaultContentType = HttpSupport.JSON;
          cfg.http.prefer405over404 =
              true; // DELETE /v1/embeddings: the path exists, the method does not
          // vectors as base64 (the clients' default) barely compress; gzip would only cost CPU the
          // encoder needs
          cfg.http.compressionStrategy = CompressionStrategy.NONE;
          // the batcher times requests out itself (503); this only catches a future that never
          // completes
          cfg.http.asyncTimeout = config.requestTimeout().plusSeconds(30).toMillis();
          cfg.requestLogger.http((ctx, ms) -> metrics.response(endpoint(ctx), ctx.statusCode()));

          cfg.routes.before("/v1/*", auth::api);
          cfg.routes.before("/admin/*", auth::admin);
          cfg.routes.post("/v1/embeddings", embeddings::handle);
          cfg.routes.get("/v1/models", models::list);
          cfg.routes.get("/v1/models/{model}", models::get);
          cfg.routes.get("/admin/adapters", admin::list);
          cfg.routes.post("/admin/adapters/{adapter}/pin", admin::pin);
          cfg.routes.delete("/admin/adapters/{adapter}/pin", admin::unpin);
          cfg.routes.post("/admin/adapters/{adapter}/rollback", admin::rollback);
          cfg.routes.get("/health/live", health::live);
          cfg.routes.get("/health/ready", health::ready);
          cfg.routes.get(
              "/metrics",
              ctx -> {
                ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(metrics.scrape().getBytes(StandardCharsets.UTF_8));
                ctx.attribute(HttpSupport.WRITTEN, Boolean.TRUE);
              });

          cfg.routes.exception(
              ApiException.class, (e, ctx) -> HttpSupport.error(ctx, e, retryAfter));
          cfg.routes.exception(
              HttpResponseException.class,
              (e, ctx) -> HttpSupport.error(ctx, mapped(ctx, e), retryAfter));
          cfg.routes.exception(
              Exception.class,
              (e, ctx) -> {
                LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
                HttpSupport.error(
                    ctx,
                    ApiErrors.internal(
                        "The server failed to answer ("
                            + e.getClass().getSimpleName()
                            + "); the error is logged."),
                    retryAfter);
              });
          cfg.routes.error(
              404,
              ctx -> {
                if (!HttpSupport.written(ctx)) {
                  HttpSupport.error(ctx, unknownPath(ctx), retryAfter);
                }
              });
          cfg.routes.error(
              405,
              ctx -> {
                if (!HttpSupport.written(ctx)) {
                  HttpSupport.error(ctx, methodNotAllowed(ctx), retryAfter);
                }
              });
          // any other status Javalin or Jetty's servlet layer sets without a body of ours
          for (int status = 400; status < 600; status++) {
            if (status != 404 && status != 405) {
              int code = status;
              cfg.routes.error(
                  code,
                  ctx -> {
                    if (!HttpSupport.written(ctx)) {
                      HttpSupport.error(ctx, ApiErrors.forStatus(code, null), retryAfter);
                    }
                  });
            }
          }
        });
  }

  private static ApiException mapped(Context ctx, HttpResponseException e) {
    return switch (e.getStatus()) {
      case 404 -> unknownPath(ctx);
      case 413 ->
          ApiErrors.tooLarge(
              "The request body is larger than max-request-bytes; send fewer or shorter texts per request.",
              "input",
              "request_too_large");
      case 405 -> methodNotAllowed(ctx);
      case 400 -> ApiErrors.badRequest(e.getMessage(), null);
      default -> ApiErrors.forStatus(e.getStatus(), e.getMessage());
    };
  }

  private static ApiException methodNotAllowed(Context ctx) {
    return new ApiException(
        405,
        ApiErrors.INVALID_REQUEST,
        ctx.method() + " is not allowed on " + ctx.path() + ".",
        null,
        "method_not_allowed",
        false);
  }

  private static ApiException unknownPath(Context ctx) {
    return ApiErrors.notFound(
        "Unknown request URL: "
            + ctx.method()
            + " "
            + ctx.path()
            + ". The API serves POST"
            + " /v1/embeddings and GET /v1/models.",
        null,
        "unknown_url");
  }

  /** A bounded tag for the responses counter. */
  static String endpoint(Context ctx) {
    String path = ctx.path();
    if (path.equals("/v1/embeddings")) {
      return "embeddings";
    } else if (path.startsWith("/v1/models")) {
      return "models";
    } else if (path.startsWith("/admin/")) {
      return "admin";
    } else if (path.startsWith("/health/")) {
      return "health";
    } else if (path.equals("/metrics")) {
      return "metrics";
    }
    return "other";
  }
}
