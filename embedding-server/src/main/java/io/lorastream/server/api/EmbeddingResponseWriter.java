package io.lorastream.server.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes OpenAI's embeddings response:
 *
 * <pre>
 * {"object":"list",
 *  "data":[{"object":"embedding","index":0,"embedding":[0.0123,...] or "base64..."}],
 *  "model":"scifact@3",
 *  "usage":{"prompt_tokens":12,"total_tokens":12}}
 * </pre>
 *
 * Streamed with Jackson's generator: a batch of 16 x 384 floats is written without an object tree.
 */
public final class EmbeddingResponseWriter {

  private static final JsonFactory JSON = new JsonFactory();

  private EmbeddingResponseWriter() {}

  /**
   * @param vectors [N][H] unit vectors in input order
   * @param dimensions truncate to this width (renormalised), or null
   * @param promptTokens tokens of all inputs after truncation, special tokens included
   */
  public static byte[] write(
      float[][] vectors,
      Integer dimensions,
      EncodingFormat format,
      String model,
      long promptTokens) {
    int width = vectors.length == 0 ? 0 : (dimensions == null ? vectors[0].length : dimensions);
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(
            128 + vectors.length * width * (format == EncodingFormat.FLOAT ? 12 : 6));
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("object", "list");
      g.writeArrayFieldStart("data");
      for (int i = 0; i < vectors.length; i++) {
        float[] v = dimensions == null ? vectors[i] : Vectors.truncate(vectors[i], dimensions);
        g.writeStartObject();
        g.writeStringField("object", "embedding");
        g.writeNumberField("index", i);
        if (format == EncodingFormat.BASE64) {
          g.writeStringField("embedding", Vectors.base64(v));
        } else {
          g.writeArrayFieldStart("embedding");
          for (float x : v) {
            g.writeNumber(x); // shortest decimal that reads back as the same float32
          }
          g.writeEndArray();
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeStringField("model", model);
      g.writeObjectFieldStart("usage");
      g.writeNumberField("prompt_tokens", promptTokens);
      g.writeNumberField("total_tokens", promptTokens);
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
