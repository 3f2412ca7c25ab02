package io.lorastream.bench.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class StreamsFloorInputIndexTest {
  // partitions given out of order: a-0 holds 1 record, a-1 2, b-0 3
  private final StreamsFloor.InputIndex index =
      StreamsFloor.InputIndex.of(
          Map.of(
              new TopicPartition("b", 0),
              3L,
              new TopicPartition("a", 1),
              2L,
              new TopicPartition("a", 0),
              1L));

  @Test
  void inputRecordsAreNumberedInTopicPartitionAndOffsetOrder() {
    assertThat(index.size()).isEqualTo(6);
    assertThat(index.numberOf("a", 0, 0)).isZero();
    assertThat(index.numberOf("a", 1, 0)).isEqualTo(1);
    assertThat(index.numberOf("a", 1, 1)).isEqualTo(2);
    assertThat(index.numberOf("b", 0, 0)).isEqualTo(3);
    assertThat(index.numberOf("b", 0, 2)).isEqualTo(5);
  }

  @Test
  void recordsPastTheEndOrOfOtherTopicsHaveNoNumber() {
    assertThat(index.numberOf("b", 0, 3)).isEqualTo(-1);
    assertThat(index.numberOf("a", 2, 0)).isEqualTo(-1);
    assertThat(index.numberOf("c", 0, 0)).isEqualTo(-1);
  }

  @Test
  void fewerOutputsThanInputsGoToEvenlySpacedInputs() {
    List<List<String>> byInput = index.spread(List.of("x", "y", "z"));

    assertThat(byInput)
        .containsExactly(List.of("x"), List.of(), List.of("y"), List.of(), List.of("z"), List.of());
  }

  @Test
  void moreOutputsThanInputsAreSplitInOrderAndEachIsHandedOutOnce() {
    StreamsFloor.InputIndex three =
        StreamsFloor.InputIndex.of(Map.of(new TopicPartition("t", 0), 3L));
    List<Integer> outputs = IntStream.range(0, 7).boxed().toList();

    List<List<Integer>> byInput = three.spread(outputs);

    // output j goes to input j * 3 / 7
    assertThat(byInput).containsExactly(List.of(0, 1, 2), List.of(3, 4), List.of(5, 6));
  }
}
