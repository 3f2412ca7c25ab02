package io.lorastream.server.api;

import io.javalin.http.Context;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * Reading a request's JSON body within its limits: the content type must be JSON (415 otherwise),
 * and a body over {@code max-request-bytes} is refused with 413 from its Content-Length before a
 * byte of it is read (or, sent in chunks, as soon as it passes the limit). The body is streamed to
 * the parser, never held whole.
 */
final class JsonBody {

  private JsonBody() {}

  /**
   * Whether the request carries a body: a positive Content-Length, or chunked transfer encoding.
   */
  static boolean present(Context ctx) {
    return ctx.req().getContentLengthLong() > 0 || ctx.header("Transfer-Encoding") != null;
  }

  /**
   * Refuses a request whose body is not declared as JSON: {@code application/json} or {@code
   * application/*+json}, with no charset or UTF-8 (JSON is UTF-8, RFC 8259).
   *
   * @throws ApiException 415
   */
  static void requireJson(Context ctx) {
    String header = ctx.header("Content-Type");
    if (header == null || header.isBlank()) {
      throw unsupported(
          "The request has no Content-Type header; send the body as JSON with Content-Type:"
              + " application/json.");
    }
    String[] parts = header.split(";");
    String type = parts[0].trim().toLowerCase(Locale.ROOT);
    boolean json =
        type.equals("application/json")
            || (type.startsWith("application/") && type.endsWith("+json"));
    if (!json) {
      throw unsupported(
          "Content-Type '"
              + header.trim()
              + "' is not supported: this API takes JSON bodies only; send"
              + " Content-Type: application/json.");
    }
    for (int i = 1; i < parts.length; i++) {
      String[] kv = parts[i].split("=", 2);
      if (kv.length == 2 && kv[0].trim().equalsIgnoreCase("charset")) {
        String charset = kv[1].trim().replace("\"", "").toLowerCase(Locale.ROOT);
        if (!charset.equals("utf-8") && !charset.equals("utf8")) {
          throw unsupported(
              "Content-Type '"
                  + header.trim()
                  + "' names the charset '"
                  + kv[1].trim()
                  + "'; JSON bodies must be UTF-8 (send Content-Type: application/json).");
        }
      }
    }
  }

  /**
   * The body as a stream, refusing one larger than {@code maxBytes}: at once from its
   * Content-Length, or while it is read when it comes in chunks (the stream then throws {@link
   * TooLarge}). Nothing is buffered here: the parser reads it through its own small buffer.
   *
   * @throws ApiException 413 when the Content-Length is over {@code maxBytes}, 400 when the body
   *     cannot be opened
   */
  static InputStream open(Context ctx, long maxBytes) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxBytes) {
      throw tooLarge(declared + " bytes", maxBytes);
    }
    InputStream in;
    try {
      in = ctx.req().getInputStream();
    } catch (IOException e) {
      throw ApiErrors.badRequest(
          "The request body could not be read: " + e.getMessage(), null, "invalid_json");
    }
    return new FilterInputStream(in) {
      private long total;

      @Override
      public int read() throws IOException {
        int b = super.read();
        count(b < 0 ? 0 : 1);
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        count(Math.max(0, n));
        return n;
      }

      private void count(int n) throws TooLarge {
        total += n;
        if (total > maxBytes) {
          throw new TooLarge(tooLarge("more than " + maxBytes + " bytes", maxBytes));
        }
      }
    };
  }

  /**
   * Thrown by the stream of {@link #open} once the body passes the limit; carries the 413 to
   * answer.
   */
  static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient ApiException answer;

    TooLarge(ApiException answer) {
      super(answer.getMessage());
      this.answer = answer;
    }

    ApiException answer() {
      return answer;
    }
  }

  private static ApiException tooLarge(String size, long maxBytes) {
    return ApiErrors.tooLarge(
        "The request body is "
            + size
            + "; at most "
            + maxBytes
            + " bytes are accepted"
            + " (max-request-bytes). Send fewer or shorter texts per request.",
        "input",
        "request_too_large");
  }

  private static ApiException unsupported(String message) {
    return new ApiException(
        415, ApiErrors.INVALID_REQUEST, message, null, "unsupported_media_type", false);
  }
}
