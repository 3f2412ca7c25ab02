package io.lorastream.model.adapter;

import io.lorastream.model.lora.AdapterWeights;

/** The outcome of checking one adapters-topic record. */
public sealed interface AdapterVerification
    permits AdapterVerification.Accepted,
        AdapterVerification.Refused,
        AdapterVerification.Deleted,
        AdapterVerification.Withdrawn {

  /** Every check passed: the weights can be loaded and swapped in. */
  record Accepted(AdapterRecord record, AdapterWeights weights) implements AdapterVerification {}

  /**
   * Refused; keep serving what was there.
   *
   * @param reason bounded, for a metric tag ({@link RefusalReason#tag()})
   * @param subject the record's key as given, or {@code "?"}; for logs
   * @param detail what was wrong, naming adapter and version when known
   */
  record Refused(RefusalReason reason, String subject, String detail)
      implements AdapterVerification {}

  /**
   * A tombstone (null value) without a signed withdrawal: compaction's deletion marker. Anyone who
   * can write the topic can write one, so on its own it does not take a served version away
   * (servers keep serving it).
   */
  record Deleted(AdapterKey key) implements AdapterVerification {}

  /**
   * A tombstone carrying a withdrawal signed with the trusted key for exactly this version ({@link
   * AdapterWithdrawalCodec}): the version is withdrawn and must no longer be served.
   */
  record Withdrawn(AdapterKey key, AdapterWithdrawal withdrawal) implements AdapterVerification {}
}
