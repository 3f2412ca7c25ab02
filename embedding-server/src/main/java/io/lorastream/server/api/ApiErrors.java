package io.lorastream.server.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import org.eclipse.jetty.http.HttpStatus;

/**
 * The errors the API answers, in OpenAI's shape and with its types where it has one: every 4xx is
 * {@code invalid_request_error} (401 with code {@code invalid_api_key}) except 429, {@code
 * rate_limit_error}; every 5xx is {@code server_error}. 429 and 503 carry {@code Retry-After}; the
 * official clients retry those by themselves. {@link #forStatus} gives the answer for a status the
 * HTTP layer produced on its own.
 */
public final class ApiErrors {

  static final String INVALID_REQUEST = "invalid_request_error";
  static final String SERVER_ERROR = "server_error";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ApiErrors() {}

  public static ApiException badRequest(String message, String param) {
    return new ApiException(400, INVALID_REQUEST, message, param, null, false);
  }

  public static ApiException badRequest(String message, String param, String code) {
    return new ApiException(400, INVALID_REQUEST, message, param, code, false);
  }

  public static ApiException unauthorized(String message) {
    return new ApiException(401, INVALID_REQUEST, message, null, "invalid_api_key", false);
  }

  public static ApiException notFound(String message, String param, String code) {
    return new ApiException(404, INVALID_REQUEST, message, param, code, false);
  }

  public static ApiException conflict(String message, String code) {
    return new ApiException(409, INVALID_REQUEST, message, null, code, false);
  }

  public static ApiException tooLarge(String message, String param, String code) {
    return new ApiException(413, INVALID_REQUEST, message, param, code, false);
  }

  public static ApiException overloaded(String message) {
    return new ApiException(429, "rate_limit_error", message, null, "queue_full", true);
  }

  public static ApiException unavailable(String message, String code) {
    return new ApiException(503, SERVER_ERROR, message, null, code, true);
  }

  public static ApiException internal(String message) {
    return new ApiException(500, SERVER_ERROR, message, null, null, false);
  }

  /**
   * The error for a status Jetty or Javalin answered by themselves, before or outside any route.
   *
   * @param detail what they said about it, or null
   */
  public static ApiException forStatus(int status, String detail) {
    String reason = HttpStatus.getMessage(status);
    String said =
        detail == null || detail.isBlank() || detail.equalsIgnoreCase(reason)
            ? ""
            : " (" + detail + ")";
    return switch (status) {
      case 400 ->
          badRequest(
              "The request is not valid HTTP"
                  + said
                  + "; send an HTTP/1.1 request such as an"
                  + " OpenAI client makes.",
              null,
              "bad_request");
      case 404 ->
          notFound(
              "Unknown request URL"
                  + said
                  + ". The API serves POST /v1/embeddings and GET /v1/models.",
              null,
              "unknown_url");
      case 408 ->
          new ApiException(
              408,
              INVALID_REQUEST,
              "The request did not arrive in time" + said + "; send it" + " again.",
              null,
              "request_timeout",
              false);
      case 413 ->
          tooLarge(
              "The request is larger than the server accepts"
                  + said
                  + " (max-request-bytes); send"
                  + " fewer or shorter texts per request.",
              "input",
              "request_too_large");
      case 414 ->
          new ApiException(
              414,
              INVALID_REQUEST,
              "The request URI is longer than the server accepts"
                  + said
                  + "; the API's paths are short and take no query.",
              null,
              "uri_too_long",
              false);
      case 431 ->
          new ApiException(
              431,
              INVALID_REQUEST,
              "The request's header fields are larger than the server"
                  + " accepts"
                  + said
                  + " (max-header-bytes); send fewer or shorter headers.",
              null,
              "headers_too_large",
              false);
      case 429 -> overloaded("Too many requests" + said + "; retry after the time in Retry-After.");
      case 503 ->
          unavailable(
              "The server cannot answer now" + said + "; retry after the time in Retry-After.",
              "unavailable");
      case 505 ->
          new ApiException(
              505,
              SERVER_ERROR,
              "HTTP version not supported" + said + "; use HTTP/1.1.",
              null,
              "http_version_not_supported",
              false);
      default ->
          new ApiException(
              status,
              status >= 500 ? SERVER_ERROR : INVALID_REQUEST,
              "The server answered " + status + " " + reason + said + ".",
              null,
              reason.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_|_$", ""),
              false);
    };
  }

  /** The JSON body of an error. */
  public static byte[] body(ApiException e) {
    return body(e.getMessage(), e.type(), e.param(), e.code());
  }

  static byte[] body(String message, String type, String param, String code) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeObjectFieldStart("error");
      g.writeStringField("message", message);
      g.writeStringField("type", type);
      g.writeStringField("param", param);
      g.writeStringField("code", code);
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
