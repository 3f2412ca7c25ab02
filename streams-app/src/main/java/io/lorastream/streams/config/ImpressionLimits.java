package io.lorastream.streams.config;

/**
 * What one impression may hold while its window is open: the bound on the state a single impression
 * id can build up, whatever its producer sends. An interaction over either limit is dead-lettered
 * ({@code impression_full}); the interactions kept so far still make their pairs when the window
 * closes.
 *
 * @param maxInteractions interactions kept per impression; default 1,000 (a page shows at most
 *     1,000 results, and a person acts on a few of them)
 * @param maxBytes bytes the kept interactions of one impression take in the state store (each one
 *     decoded and as its original record, with its key); default 1 MiB (a 250-byte interaction
 *     takes ~500)
 */
public record ImpressionLimits(int maxInteractions, long maxBytes) {

  public static final ImpressionLimits DEFAULTS = new ImpressionLimits(1_000, 1L << 20);

  public ImpressionLimits {
    if (maxInteractions < 1) {
      throw new IllegalArgumentException(
          "max-interactions-per-impression must be >= 1, got " + maxInteractions);
    }
    if (maxBytes < 1024) {
      throw new IllegalArgumentException(
          "max-impression-bytes must be >= 1024 (one interaction takes ~500), got " + maxBytes);
    }
  }
}
