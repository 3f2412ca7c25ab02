package io.lorastream.server.api;

/**
 * How vectors travel: JSON numbers, or base64 of little-endian float32 (OpenAI's Python client asks
 * for this).
 */
public enum EncodingFormat {
  FLOAT,
  BASE64
}
