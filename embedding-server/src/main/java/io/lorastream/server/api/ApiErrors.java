package io.lorastream.server.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The errors the API answers, in OpenAI's shape and with its types where it has one: 400, 404 and 413 are
 * {@code invalid_request_error}, 401 {@code invalid_request_error} with code {@code invalid_api_key}, 429
 * {@code rate_limit_error}, 500 and 503 {@code server_error}. 429 and 503 carry {@code Retry-After}; the
 * official clients retry those by themselves.
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
