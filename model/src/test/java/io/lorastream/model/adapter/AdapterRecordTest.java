package io.lorastream.model.adapter;

import static io.lorastream.model.adapter.Fixtures.BASE;
import static io.lorastream.model.adapter.Fixtures.OTHER_BASE;
import static io.lorastream.model.adapter.Fixtures.TINY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lorastream.model.encoder.EncoderConfig;
import io.lorastream.model.lora.AdapterWeights;
import io.lorastream.model.lora.LoraConfig;
import io.lorastream.model.lora.LoraKey;
import io.lorastream.model.lora.LoraPairWeights;
import io.lorastream.model.lora.LoraTarget;
import io.lorastream.model.tensor.FloatTensor;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class AdapterRecordTest {

  private static final KeyPair KEYS = AdapterKeys.generate();
  private static final AdapterSigner SIGNER = new AdapterSigner(KEYS.getPrivate());
  private static final LoraConfig LORA =
      Fixtures.lora(2, LoraTarget.QUERY, LoraTarget.VALUE, LoraTarget.FFN_IN);

  private final AdapterWeights weights = Fixtures.randomWeights(LORA, TINY, 11);
  private final PeftAdapterFiles files = PeftAdapterFiles.encode(weights, BASE, TINY);
  private final AdapterManifest manifest = Fixtures.manifest("scifact", 42, BASE, files, LORA);
  private final byte[] record = AdapterRecordCodec.encode(manifest, files, SIGNER);
  private final AdapterVerifier verifier = new AdapterVerifier(KEYS.getPublic(), BASE, TINY);

  private static RefusalReason reasonOf(AdapterVerification v) {
    assertThat(v).isInstanceOf(AdapterVerification.Refused.class);
    return ((AdapterVerification.Refused) v).reason();
  }

  /**
   * Frames and signs arbitrary sections as the codec does, to build records the writer would refuse
   * to.
   */
  private static byte[] frame(
      int version, byte[] manifestJson, PeftAdapterFiles f, AdapterSigner signer) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(AdapterRecordCodec.MAGIC);
    out.writeBytes(ByteBuffer.allocate(2).putShort((short) version).array());
    for (byte[] section :
        new byte[][] {manifestJson, f.adapterConfigJson(), f.adapterModelSafetensors()}) {
      out.writeBytes(ByteBuffer.allocate(4).putInt(section.length).array());
      out.writeBytes(section);
    }
    byte[] signed = out.toByteArray();
    byte[] sig = signer.sign(signed, signed.length);
    return ByteBuffer.allocate(signed.length + 2 + sig.length)
        .put(signed)
        .putShort((short) sig.length)
        .put(sig)
        .array();
  }

  @Test
  void aGoodRecordIsAcceptedWithItsManifestAndWeights() {
    AdapterVerification v = verifier.verify("scifact@000042", record);

    assertThat(v).isInstanceOf(AdapterVerification.Accepted.class);
    AdapterVerification.Accepted a = (AdapterVerification.Accepted) v;
    assertThat(a.weights()).isEqualTo(weights);
    assertThat(a.record().manifest()).isEqualTo(manifest);
    assertThat(a.record().files()).isEqualTo(files);
    assertThat(a.record().formatVersion()).isEqualTo(AdapterRecordCodec.FORMAT_VERSION);
    assertThat(verifier.verify(record)).isInstanceOf(AdapterVerification.Accepted.class);
  }

  @Test
  void encodingTheSameVersionTwiceGivesTheSameBytes() {
    PeftAdapterFiles again =
        PeftAdapterFiles.encode(Fixtures.randomWeights(LORA, TINY, 11), BASE, TINY);
    assertThat(
            AdapterRecordCodec.encode(
                Fixtures.manifest("scifact", 42, BASE, again, LORA), again, SIGNER))
        .isEqualTo(record);
  }

  @Test
  void theManifestSurvivesTheRoundTrip() throws Exception {
    AdapterRecord r = AdapterRecordCodec.readUnverified(record);
    assertThat(r.manifest()).isEqualTo(manifest);
    assertThat(r.manifest().eval()).containsEntry("published_ndcg@10", 0.6875);
    assertThat(r.manifest().inputOffsets()).containsEntry("lorastream.training-pairs-1", 985L);
    assertThat(r.key()).hasToString("scifact@000042");
  }

  @Test
  void aFlippedBitAnywhereIsRefused() {
    Map<RefusalReason, Integer> reasons = new EnumMap<>(RefusalReason.class);
    int signedEnd = record.length - 2 - 64;
    for (int i = 0; i < record.length; i++) {
      byte[] tampered = record.clone();
      tampered[i] ^= (byte) (1 << (i % 8));
      RefusalReason reason = reasonOf(verifier.verify("scifact@000042", tampered));
      reasons.merge(reason, 1, Integer::sum);
      boolean inContent = (i >= 10 && i < signedEnd) && !isLengthField(i);
      if (inContent || i >= signedEnd + 2) {
        assertThat(reason).as("byte %d", i).isEqualTo(RefusalReason.BAD_SIGNATURE);
      }
    }
    assertThat(reasons.keySet())
        .containsOnly(
            RefusalReason.MALFORMED,
            RefusalReason.UNSUPPORTED_VERSION,
            RefusalReason.BAD_SIGNATURE);
  }

  private boolean isLengthField(int i) {
    int pos = 6;
    for (int s = 0; s < 3; s++) {
      if (i >= pos && i < pos + 4) {
        return true;
      }
      pos += 4 + ByteBuffer.wrap(record, pos, 4).getInt();
    }
    return false;
  }

  @Test
  void aRecordSignedWithAnotherKeyIsRefused() {
    byte[] forged =
        AdapterRecordCodec.encode(
            manifest, files, new AdapterSigner(AdapterKeys.generate().getPrivate()));
    AdapterVerification v = verifier.verify("scifact@000042", forged);
    assertThat(reasonOf(v)).isEqualTo(RefusalReason.BAD_SIGNATURE);
    assertThat(((AdapterVerification.Refused) v).detail())
        .contains(AdapterKeys.fingerprint(KEYS.getPublic()));
  }

  @Test
  void aRecordForAnotherBaseModelIsRefused() {
    PeftAdapterFiles other = PeftAdapterFiles.encode(weights, OTHER_BASE, TINY);
    byte[] r =
        AdapterRecordCodec.encode(
            Fixtures.manifest("scifact", 42, OTHER_BASE, other, LORA), other, SIGNER);
    AdapterVerification v = verifier.verify("scifact@000042", r);
    assertThat(reasonOf(v)).isEqualTo(RefusalReason.OTHER_BASE_MODEL);
    assertThat(((AdapterVerification.Refused) v).detail())
        .contains("scifact@000042")
        .contains("bbbb");
  }

  @Test
  void aRecordWhoseShapesDoNotFitTheEncoderIsRefused() {
    EncoderConfig wider = new EncoderConfig(100, 12, 2, 2, 16, 32, 2, 1e-12, "gelu");
    AdapterVerifier widerServer = new AdapterVerifier(KEYS.getPublic(), BASE, wider);
    assertThat(reasonOf(widerServer.verify("scifact@000042", record)))
        .isEqualTo(RefusalReason.SHAPE_MISMATCH);
  }

  @Test
  void everyTruncationIsMalformed() {
    for (int length = 0; length < record.length; length++) {
      byte[] cut = java.util.Arrays.copyOf(record, length);
      assertThat(reasonOf(verifier.verify("scifact@000042", cut)))
          .as("length %d", length)
          .isEqualTo(RefusalReason.MALFORMED);
    }
    byte[] longer = java.util.Arrays.copyOf(record, record.length + 1);
    assertThat(reasonOf(verifier.verify("scifact@000042", longer)))
        .isEqualTo(RefusalReason.MALFORMED);
  }

  @Test
  void unknownFormatVersionsAreRefused() {
    for (int version : new int[] {0, 2, 65535}) {
      byte[] r = frame(version, AdapterManifestJson.write(manifest), files, SIGNER);
      AdapterVerification v = verifier.verify("scifact@000042", r);
      assertThat(reasonOf(v)).isEqualTo(RefusalReason.UNSUPPORTED_VERSION);
      assertThat(((AdapterVerification.Refused) v).detail())
          .contains("format version " + version + " is not supported");
    }
    assertThat(
            verifier.verify(
                "scifact@000042", frame(1, AdapterManifestJson.write(manifest), files, SIGNER)))
        .isInstanceOf(AdapterVerification.Accepted.class);
  }

  @Test
  void weightsThatDoNotMatchTheSignedChecksumAreRefused() {
    PeftAdapterFiles other =
        PeftAdapterFiles.encode(Fixtures.randomWeights(LORA, TINY, 12), BASE, TINY);
    byte[] r = frame(1, AdapterManifestJson.write(manifest), other, SIGNER);
    assertThat(reasonOf(verifier.verify("scifact@000042", r)))
        .isEqualTo(RefusalReason.CHECKSUM_MISMATCH);
    assertThatThrownBy(() -> AdapterRecordCodec.encode(manifest, other, SIGNER))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scifact@000042");
  }

  @Test
  void nonFiniteWeightsAreRefusedEvenWhenSigned() {
    TreeMap<LoraKey, LoraPairWeights> pairs = new TreeMap<>(weights.pairs());
    LoraPairWeights p = pairs.get(new LoraKey(1, LoraTarget.FFN_IN));
    float[] b = p.b().data().clone();
    b[3] = Float.POSITIVE_INFINITY;
    pairs.put(
        new LoraKey(1, LoraTarget.FFN_IN),
        new LoraPairWeights(p.a(), new FloatTensor(p.b().shape(), b)));
    PeftAdapterFiles bad = PeftAdapterFiles.encode(new AdapterWeights(LORA, pairs), BASE, TINY);
    byte[] r =
        AdapterRecordCodec.encode(Fixtures.manifest("scifact", 42, BASE, bad, LORA), bad, SIGNER);
    assertThat(reasonOf(verifier.verify("scifact@000042", r))).isEqualTo(RefusalReason.NON_FINITE);
  }

  @Test
  void aRecordReplayedUnderAnotherKeyIsRefused() {
    assertThat(reasonOf(verifier.verify("scifact@000043", record)))
        .isEqualTo(RefusalReason.KEY_MISMATCH);
    assertThat(reasonOf(verifier.verify("other@000042", record)))
        .isEqualTo(RefusalReason.KEY_MISMATCH);
  }

  @Test
  void aManifestThatContradictsAdapterConfigIsRefused() {
    LoraConfig claimed = new LoraConfig(2, 99, 0.1, LORA.targets(), false);
    byte[] r =
        frame(
            1,
            AdapterManifestJson.write(Fixtures.manifest("scifact", 42, BASE, files, claimed)),
            files,
            SIGNER);
    assertThat(reasonOf(verifier.verify("scifact@000042", r))).isEqualTo(RefusalReason.MALFORMED);
  }

  @Test
  void tombstonesAreDeletionsAndBadKeysAreMalformed() {
    assertThat(verifier.verify("scifact@000040", null))
        .isEqualTo(new AdapterVerification.Deleted(new AdapterKey("scifact", 40)));
    assertThat(reasonOf(verifier.verify("scifact@40", record))).isEqualTo(RefusalReason.MALFORMED);
    assertThat(reasonOf(verifier.verify(null, record))).isEqualTo(RefusalReason.MALFORMED);
  }

  @Test
  void refusalReasonsAreLowercaseMetricTags() {
    assertThat(RefusalReason.BAD_SIGNATURE.tag()).isEqualTo("bad_signature");
  }
}
