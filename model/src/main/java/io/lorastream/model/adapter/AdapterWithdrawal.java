package io.lorastream.model.adapter;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * A signed statement that one published adapter version is withdrawn: servers stop serving it. A
 * Kafka tombstone alone cannot do that, since anyone who can write the adapters topic can write a
 * tombstone; the trainer puts this statement, signed with the adapter signing key, in a header of
 * the tombstone it publishes for a version older than its {@code keep_versions} ({@link
 * AdapterWithdrawalCodec}).
 *
 * @param key the version withdrawn
 * @param withdrawnAt when the publisher withdrew it
 * @param reason why, for logs; at most {@link #MAX_REASON_BYTES} bytes of UTF-8
 */
public record AdapterWithdrawal(AdapterKey key, Instant withdrawnAt, String reason) {

  public static final int MAX_REASON_BYTES = 1024;

  public AdapterWithdrawal {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(withdrawnAt, "withdrawnAt");
    Objects.requireNonNull(reason, "reason (may be empty, not null)");
    int bytes = reason.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_REASON_BYTES) {
      throw new IllegalArgumentException(
          "withdrawal reason must be at most "
              + MAX_REASON_BYTES
              + " bytes of UTF-8, got "
              + bytes);
    }
  }
}
