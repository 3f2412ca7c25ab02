package io.lorastream.server.api;

import io.javalin.http.Context;
import io.lorastream.model.tokenize.TextTokenizer;
import io.lorastream.model.tokenize.Tokens;
import io.lorastream.server.adapters.AdapterRegistry;
import io.lorastream.server.adapters.NotReadyException;
import io.lorastream.server.adapters.Resolution;
import io.lorastream.server.adapters.ServedModel;
import io.lorastream.server.adapters.UnknownModelException;
import io.lorastream.server.batch.DynamicBatcher;
import io.lorastream.server.batch.QueueFullException;
import io.lorastream.server.batch.RequestTimeoutException;
import io.lorastream.server.batch.ShuttingDownException;
import io.lorastream.server.config.TextLimitPolicy;
import io.lorastream.server.metrics.ServerMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/embeddings}. On the request thread: check the content type, then, holding one of
 * the {@link Admission} slots, read the body within max-request-bytes, parse it and apply the
 * character limits, tokenize (and apply the text limit policy); then resolve the model, take a
 * reference on its encoder and queue the texts. The response is written when the batch is done, on
 * a small executor so the batch worker goes straight on with the next forward pass. The encoder
 * reference is held until the vectors are out, so a swap never closes an encoder a request still
 * uses.
 */
final class EmbeddingsService {

  /** Names the model version that computed the vectors, e.g. {@code scifact@3} or {@code base}. */
  static final String VERSION_HEADER = "X-Lorastream-Model-Version";

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddingsService.class);

  /**
   * Texts per call to the tokenizer: it keeps the working memory of a whole call (every token's
   * strings and offsets) until the call returns, 2,048 texts of 4,096 characters at once grew the
   * RSS by 320 MB more than slices of 64 did.
   */
  static final int TOKENIZE_SLICE = 64;

  private final EmbeddingRequestParser parser;
  private final Admission admission;
  private final long maxRequestBytes;
  private final TextTokenizer tokenizer;
  private final TextLimitPolicy limitPolicy;
  private final AdapterRegistry registry;
  private final DynamicBatcher<ServedModel> batcher;
  private final ServerMetrics metrics;
  private final Executor respond;
  private final Duration retryAfter;

  EmbeddingsService(
      EmbeddingRequestParser parser,
      Admission admission,
      long maxRequestBytes,
      TextTokenizer tokenizer,
      TextLimitPolicy limitPolicy,
      AdapterRegistry registry,
      DynamicBatcher<ServedModel> batcher,
      ServerMetrics metrics,
      Executor respond,
      Duration retryAfter) {
    this.parser = parser;
    this.admission = admission;
    this.maxRequestBytes = maxRequestBytes;
    this.tokenizer = tokenizer;
    this.limitPolicy = limitPolicy;
    this.registry = registry;
    this.batcher = batcher;
    this.metrics = metrics;
    this.respond = respond;
    this.retryAfter = retryAfter;
  }

  void handle(Context ctx) {
    long start = System.nanoTime();
    String tag = "unknown";
    try {
      JsonBody.requireJson(ctx);
      EmbeddingRequest req;
      List<Tokens> tokens;
      try (Admission.Slot slot = admission.enter()) {
        req = parser.parse(JsonBody.open(ctx, maxRequestBytes));
        tokens = tokenize(req.input());
      }
      long promptTokens = 0;
      int truncated = 0;
      for (int i = 0; i < tokens.size(); i++) {
        Tokens t = tokens.get(i);
        promptTokens += t.length();
        if (t.truncated() || req.cutInputs().contains(i)) {
          if (limitPolicy == TextLimitPolicy.REJECT) {
            throw ApiErrors.tooLarge(
                "'input["
                    + i
                    + "]' is longer than the max length of "
                    + tokenizer.maxLength()
                    + " tokens; shorten it"
                    + " (this server refuses long texts: text-limit-policy=reject).",
                "input",
                "input_too_long");
          }
          truncated++;
        }
      }
      metrics.truncated(truncated);
      Resolution r;
      try {
        r = registry.acquire(req.model(), req.inputType());
      } catch (UnknownModelException e) {
        throw ApiErrors.notFound(e.getMessage(), "model", "model_not_found");
      } catch (NotReadyException e) {
        throw ApiErrors.unavailable(e.getMessage(), "not_ready");
      }
      tag = r.metricTag();
      CompletableFuture<float[][]> vectors;
      try {
        vectors = batcher.submit(r.served(), tokens);
      } catch (QueueFullException e) {
        r.release();
        throw ApiErrors.overloaded(e.getMessage());
      } catch (ShuttingDownException e) {
        r.release();
        throw ApiErrors.unavailable(e.getMessage(), "shutting_down");
      }
      long tokensUsed = promptTokens;
      ctx.future(
          () ->
              vectors.handleAsync(
                  (v, err) -> {
                    r.release();
                    if (err == null) {
                      byte[] body =
                          EmbeddingResponseWriter.write(
                              v, req.dimensions(), req.encodingFormat(), r.modelId(), tokensUsed);
                      ctx.header(VERSION_HEADER, r.modelId());
                      HttpSupport.json(ctx, 200, body);
                      registry.served(r);
                    } else {
                      HttpSupport.error(ctx, failure(err), retryAfter);
                    }
                    metrics.requestLatency(r.metricTag(), System.nanoTime() - start);
                    return null;
                  },
                  respond));
    } catch (ApiException e) {
      metrics.requestLatency(tag, System.nanoTime() - start);
      throw e;
    }
  }

  private List<Tokens> tokenize(List<String> texts) {
    if (texts.size() <= TOKENIZE_SLICE) {
      return tokenizer.tokenize(texts);
    }
    List<Tokens> out = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i += TOKENIZE_SLICE) {
      out.addAll(tokenizer.tokenize(texts.subList(i, Math.min(texts.size(), i + TOKENIZE_SLICE))));
    }
    return out;
  }

  private static ApiException failure(Throwable err) {
    Throwable e =
        err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    if (e instanceof RequestTimeoutException) {
      return ApiErrors.unavailable(e.getMessage(), "timeout");
    }
    if (e instanceof ApiException a) {
      return a;
    }
    LOG.error("embedding failed", e);
    return ApiErrors.internal(
        "The embedding failed on the server ("
            + e.getClass().getSimpleName()
            + "); the error"
            + " is logged. Retry, and report it if it persists.");
  }
}
