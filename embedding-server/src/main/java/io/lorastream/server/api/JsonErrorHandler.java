package io.lorastream.server.api;

import java.nio.ByteBuffer;
import java.time.Duration;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers, for requests that never reach a route: headers too large (431), a URI
 * too long (414), a request that is not valid HTTP (400), an HTTP version or transfer coding Jetty
 * does not speak (505, 501), and anything else Jetty refuses by itself. Jetty writes these as HTML
 * by default; here they are OpenAI-shaped JSON like every other error of the server, for every
 * method.
 */
final class JsonErrorHandler extends ErrorHandler {

  private final Duration retryAfter;

  JsonErrorHandler(Duration retryAfter) {
    this.retryAfter = retryAfter;
  }

  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback) {
    ApiException e = ApiErrors.forStatus(code, message);
    HttpFields.Mutable headers = response.getHeaders();
    headers.put(HttpHeader.CONTENT_TYPE, HttpSupport.JSON);
    if (e.retryable()) {
      headers.put(HttpHeader.RETRY_AFTER, Long.toString(HttpSupport.retryAfterSeconds(retryAfter)));
    }
    response.write(true, ByteBuffer.wrap(ApiErrors.body(e)), callback);
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, HttpSupport.JSON);
    return ByteBuffer.wrap(ApiErrors.body(ApiErrors.forStatus(status, reason)));
  }
}
