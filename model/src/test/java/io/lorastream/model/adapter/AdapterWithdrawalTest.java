package io.lorastream.model.adapter;

import static io.lorastream.model.adapter.Fixtures.BASE;
import static io.lorastream.model.adapter.Fixtures.OTHER_BASE;
import static io.lorastream.model.adapter.Fixtures.TINY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lorastream.model.lora.LoraConfig;
import io.lorastream.model.lora.LoraTarget;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Signed withdrawals on tombstones, and the cheap screening of records. */
class AdapterWithdrawalTest {

  private static final KeyPair KEYS = AdapterKeys.generate();
  private static final AdapterSigner SIGNER = new AdapterSigner(KEYS.getPrivate());
  private static final AdapterKey KEY = new AdapterKey("scifact", 3);
  private static final AdapterWithdrawal WITHDRAWAL =
      new AdapterWithdrawal(
          KEY, Instant.ofEpochMilli(1_700_000_000_123L), "older than keep_versions=5");

  private final AdapterVerifier verifier = new AdapterVerifier(KEYS.getPublic(), BASE, TINY);
  private final byte[] header = AdapterWithdrawalCodec.encode(WITHDRAWAL, SIGNER);

  private static RefusalReason reasonOf(AdapterVerification v) {
    assertThat(v).isInstanceOf(AdapterVerification.Refused.class);
    return ((AdapterVerification.Refused) v).reason();
  }

  @Test
  void aSignedWithdrawalOnItsOwnTombstoneWithdrawsTheVersion() {
    assertThat(verifier.verify("scifact@000003", null, header))
        .isEqualTo(new AdapterVerification.Withdrawn(KEY, WITHDRAWAL));
  }

  @Test
  void theLayoutIsTheDocumentedOne() {
    // 4 magic + 2 version + 2 + 14 key + 8 time + 2 + 26 reason + 2 + 64 signature
    assertThat(header).hasSize(4 + 2 + 2 + 14 + 8 + 2 + 26 + 2 + 64);
    assertThat(new String(header, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("LSAW");
    ByteBuffer b = ByteBuffer.wrap(header);
    assertThat(b.getShort(4)).isEqualTo((short) 1);
    assertThat(b.getShort(6)).isEqualTo((short) 14);
    assertThat(new String(header, 8, 14, StandardCharsets.UTF_8)).isEqualTo("scifact@000003");
    assertThat(b.getLong(22)).isEqualTo(1_700_000_000_123L);
    assertThat(AdapterWithdrawalCodec.encode(WITHDRAWAL, SIGNER))
        .as("deterministic")
        .isEqualTo(header);
  }

  @Test
  void aTombstoneWithoutAWithdrawalWithdrawsNothing() {
    assertThat(verifier.verify("scifact@000003", null, null))
        .isEqualTo(new AdapterVerification.Deleted(KEY));
    assertThat(verifier.verify("scifact@000003", null))
        .isEqualTo(new AdapterVerification.Deleted(KEY));
  }

  @Test
  void aWithdrawalSignedWithAnotherKeyIsRefused() {
    byte[] forged =
        AdapterWithdrawalCodec.encode(
            WITHDRAWAL, new AdapterSigner(AdapterKeys.generate().getPrivate()));
    AdapterVerification v = verifier.verify("scifact@000003", null, forged);
    assertThat(reasonOf(v)).isEqualTo(RefusalReason.BAD_SIGNATURE);
    assertThat(((AdapterVerification.Refused) v).detail()).contains("withdrawal of scifact@000003");
  }

  @Test
  void aWithdrawalReplayedOntoAnotherVersionIsRefused() {
    assertThat(reasonOf(verifier.verify("scifact@000004", null, header)))
        .isEqualTo(RefusalReason.KEY_MISMATCH);
    assertThat(reasonOf(verifier.verify("other@000003", null, header)))
        .isEqualTo(RefusalReason.KEY_MISMATCH);
  }

  @Test
  void aFlippedBitAnywhereIsRefused() {
    for (int i = 0; i < header.length; i++) {
      byte[] tampered = header.clone();
      tampered[i] ^= (byte) (1 << (i % 8));
      assertThat(verifier.verify("scifact@000003", null, tampered))
          .as("byte %d", i)
          .isInstanceOf(AdapterVerification.Refused.class);
    }
  }

  @Test
  void everyTruncationAndTrailingGarbageIsMalformed() {
    for (int length = 0; length < header.length; length++) {
      assertThat(reasonOf(verifier.verify("scifact@000003", null, Arrays.copyOf(header, length))))
          .as("length %d", length)
          .isEqualTo(RefusalReason.MALFORMED);
    }
    assertThat(
            reasonOf(
                verifier.verify("scifact@000003", null, Arrays.copyOf(header, header.length + 1))))
        .isEqualTo(RefusalReason.MALFORMED);
    assertThat(
            reasonOf(
                verifier.verify("scifact@000003", null, "junk".getBytes(StandardCharsets.UTF_8))))
        .isEqualTo(RefusalReason.MALFORMED);
  }

  @Test
  void unknownFormatVersionsAreRefused() {
    byte[] v2 = header.clone();
    v2[5] = 2;
    AdapterVerification v = verifier.verify("scifact@000003", null, v2);
    assertThat(reasonOf(v)).isEqualTo(RefusalReason.UNSUPPORTED_VERSION);
    assertThat(((AdapterVerification.Refused) v).detail())
        .contains("format version 2 is not supported");
  }

  @Test
  void aWithdrawalHeaderOnARecordWithAValueIsIgnored() {
    LoraConfig lora = Fixtures.lora(2, LoraTarget.QUERY);
    PeftAdapterFiles files =
        PeftAdapterFiles.encode(Fixtures.randomWeights(lora, TINY, 1), BASE, TINY);
    byte[] record =
        AdapterRecordCodec.encode(
            Fixtures.manifest("scifact", 3, BASE, files, lora), files, SIGNER);
    assertThat(verifier.verify("scifact@000003", record, header))
        .isInstanceOf(AdapterVerification.Accepted.class);
  }

  @Test
  void overlongReasonsAreRefusedWhenWritten() {
    assertThatThrownBy(() -> new AdapterWithdrawal(KEY, Instant.now(), "x".repeat(1025)))
        .hasMessageContaining("at most 1024 bytes");
  }

  @Test
  void screeningPassesAuthenticRecordsAndRefusesForgedOnesWithTheVerifiersReasons() {
    LoraConfig lora = Fixtures.lora(2, LoraTarget.QUERY);
    PeftAdapterFiles files =
        PeftAdapterFiles.encode(Fixtures.randomWeights(lora, TINY, 1), BASE, TINY);
    byte[] good =
        AdapterRecordCodec.encode(
            Fixtures.manifest("scifact", 3, BASE, files, lora), files, SIGNER);
    assertThat(verifier.screen("scifact@000003", good)).isNull();

    byte[] forged =
        AdapterRecordCodec.encode(
            Fixtures.manifest("scifact", 3, BASE, files, lora),
            files,
            new AdapterSigner(AdapterKeys.generate().getPrivate()));
    assertThat(verifier.screen("scifact@000003", forged).reason())
        .isEqualTo(RefusalReason.BAD_SIGNATURE);
    assertThat(verifier.screen("scifact@000099", good).reason())
        .isEqualTo(RefusalReason.KEY_MISMATCH);
    assertThat(verifier.screen("scifact@000003", "junk".getBytes(StandardCharsets.UTF_8)).reason())
        .isEqualTo(RefusalReason.MALFORMED);
    assertThat(verifier.screen("scifact@3", good).reason()).isEqualTo(RefusalReason.MALFORMED);
    PeftAdapterFiles other =
        PeftAdapterFiles.encode(Fixtures.randomWeights(lora, TINY, 1), OTHER_BASE, TINY);
    byte[] otherBase =
        AdapterRecordCodec.encode(
            Fixtures.manifest("scifact", 3, OTHER_BASE, other, lora), other, SIGNER);
    assertThat(verifier.screen("scifact@000003", otherBase).reason())
        .isEqualTo(RefusalReason.OTHER_BASE_MODEL);
  }
}
