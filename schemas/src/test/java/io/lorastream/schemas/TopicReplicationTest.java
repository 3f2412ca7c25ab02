package io.lorastream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicReplicationTest {

  @Test
  void theDefaultKeepsThreeCopiesTwoInSync() {
    assertThat(TopicReplication.DEFAULT).isEqualTo(new TopicReplication((short) 3, 2));
    assertThat(TopicReplication.DEFAULT.topicConfigs())
        .isEqualTo(Map.of("min.insync.replicas", "2"));
  }

  @Test
  void onFewerBrokersTheFactorIsCappedAndOneBrokerMayStillFail() {
    assertThat(TopicReplication.DEFAULT.cappedTo(1)).isEqualTo(new TopicReplication((short) 1, 1));
    assertThat(TopicReplication.DEFAULT.cappedTo(2)).isEqualTo(new TopicReplication((short) 2, 1));
    assertThat(TopicReplication.DEFAULT.cappedTo(3)).isEqualTo(TopicReplication.DEFAULT);
    assertThat(TopicReplication.DEFAULT.cappedTo(5)).isEqualTo(TopicReplication.DEFAULT);
    assertThat(new TopicReplication((short) 5, 3).cappedTo(3))
        .isEqualTo(new TopicReplication((short) 3, 2));
  }

  @Test
  void moreInSyncReplicasThanCopiesIsRefusedNamingBoth() {
    assertThatThrownBy(() -> new TopicReplication((short) 2, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("min-insync-replicas")
        .hasMessageContaining("(2)")
        .hasMessageContaining("got 3");
    assertThatThrownBy(() -> new TopicReplication((short) 0, 1))
        .hasMessageContaining("replication-factor");
  }

  @Test
  void aSpecIsFittedToTheBrokerCountWithItsInSyncMinimum() {
    TopicSpec spec =
        TopicAdmin.standardSpecs(TopicNames.DEFAULT, 3, TopicReplication.DEFAULT).get(0);
    TopicSpec onOne = TopicAdmin.fitTo(spec, 1);
    assertThat(onOne.replicationFactor()).isEqualTo((short) 1);
    assertThat(onOne.configs())
        .containsEntry("min.insync.replicas", "1")
        .containsEntry("cleanup.policy", "compact");
    assertThat(TopicAdmin.fitTo(spec, 3)).isSameAs(spec);
  }

  @Test
  void everyStandardTopicCarriesTheInSyncMinimum() {
    assertThat(TopicAdmin.standardSpecs(TopicNames.DEFAULT, 6, TopicReplication.DEFAULT))
        .hasSize(9)
        .allSatisfy(
            s -> {
              assertThat(s.replicationFactor()).isEqualTo((short) 3);
              assertThat(s.configs()).containsEntry("min.insync.replicas", "2");
            });
  }
}
