package io.lorastream.trainer.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.model.BaseModelId;
import io.lorastream.model.adapter.AdaptationMode;
import io.lorastream.model.adapter.AdapterKey;
import io.lorastream.model.adapter.AdapterKeys;
import io.lorastream.model.adapter.AdapterManifest;
import io.lorastream.model.adapter.AdapterSigner;
import io.lorastream.model.adapter.AdapterVerification;
import io.lorastream.model.adapter.AdapterVerifier;
import io.lorastream.model.adapter.AdapterWithdrawalCodec;
import io.lorastream.model.lora.LoraConfig;
import io.lorastream.model.lora.LoraTarget;
import io.lorastream.trainer.TinyBase;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * The records a publication becomes: the version, and the tombstone of the expired one with its
 * signed withdrawal.
 */
class AdapterPublisherTest {

  private static final KeyPair KEYS = AdapterKeys.generate();
  private static final BaseModelId BASE = new BaseModelId("test/tiny", "a".repeat(64));

  private static Publication publication(int version) {
    AdapterManifest m =
        new AdapterManifest(
            "scifact",
            version,
            BASE,
            "0".repeat(64),
            new LoraConfig(2, 4, 0.0, Set.of(LoraTarget.QUERY), false),
            AdaptationMode.QUERY,
            "mnrl",
            10,
            100,
            new TreeMap<>(),
            Instant.ofEpochMilli(1_700_000_000_000L),
            new TreeMap<>());
    return new Publication(m, null, new byte[] {1, 2, 3}, 0);
  }

  @Test
  void theTombstoneOfTheExpiredVersionCarriesAWithdrawalServersAccept() {
    AdapterPublisher publisher =
        new AdapterPublisher(
            new AdapterSigner(KEYS.getPrivate()),
            BASE,
            TinyBase.TINY,
            "lorastream.adapters",
            3,
            1 << 20,
            1 << 20);
    List<ProducerRecord<String, byte[]>> records = publisher.records(publication(7), 5);

    assertThat(records).hasSize(2);
    assertThat(records.get(0).key()).isEqualTo("scifact@000007");
    ProducerRecord<String, byte[]> tombstone = records.get(1);
    assertThat(tombstone.key()).isEqualTo("scifact@000002");
    assertThat(tombstone.value()).isNull();
    assertThat(tombstone.partition()).isEqualTo(records.get(0).partition());
    Header h = tombstone.headers().lastHeader(AdapterWithdrawalCodec.HEADER);
    assertThat(h).isNotNull();

    AdapterVerifier verifier = new AdapterVerifier(KEYS.getPublic(), BASE, TinyBase.TINY);
    AdapterVerification v = verifier.verify(tombstone.key(), null, h.value());
    assertThat(v).isInstanceOf(AdapterVerification.Withdrawn.class);
    AdapterVerification.Withdrawn w = (AdapterVerification.Withdrawn) v;
    assertThat(w.key()).isEqualTo(new AdapterKey("scifact", 2));
    assertThat(w.withdrawal().withdrawnAt()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
    assertThat(w.withdrawal().reason()).contains("keep-versions=5");
  }

  @Test
  void noTombstoneWhileFewerThanKeepVersionsExist() {
    AdapterPublisher publisher =
        new AdapterPublisher(
            new AdapterSigner(KEYS.getPrivate()),
            BASE,
            TinyBase.TINY,
            "lorastream.adapters",
            3,
            1 << 20,
            1 << 20);
    assertThat(publisher.records(publication(5), 5)).hasSize(1);
  }
}
