package io.lorastream.bench.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The simulated users: position bias, relevance-driven clicks and dwell, as the demo's click model
 * promises.
 */
class UserModelTest {

  private static final List<String> SHOWN =
      IntStream.rangeClosed(1, 10).mapToObj(i -> "d" + i).toList();

  @Test
  void examinationFallsWithRankAsTheDefaultParametersSay() {
    UserModel u = UserModel.DEFAULT;
    assertThat(u.examine(1)).isEqualTo(0.98);
    assertThat(u.examine(4))
        .isCloseTo(0.49, org.assertj.core.data.Offset.offset(1e-12)); // 0.98 * 4^-0.5
    for (int r = 1; r < 10; r++) {
      assertThat(u.examine(r + 1)).isLessThan(u.examine(r));
    }
  }

  @Test
  void relevantResultsAreClickedFarMoreOftenAndDweltOnLonger() {
    SplittableRandom random = new SplittableRandom(1);
    int relevantClicks = 0;
    int otherClicks = 0;
    long relevantDwell = 0;
    long otherDwell = 0;
    for (int i = 0; i < 2000; i++) {
      for (UserModel.Action a : UserModel.DEFAULT.act(SHOWN, Set.of("d2"), random)) {
        if (a.kind() != UserModel.Action.Kind.CLICK) {
          continue;
        }
        if (a.docId().equals("d2")) {
          relevantClicks++;
          relevantDwell += a.dwellMs();
        } else {
          otherClicks++;
          otherDwell += a.dwellMs();
        }
      }
    }
    // d2 is examined with p = 0.98 / sqrt(2) = 0.69 and then clicked with 0.9: about 1250 of 2000
    // pages.
    assertThat(relevantClicks).isBetween(1150, 1350);
    // Nine others, examined with 0.98 r^-0.5 each (sum over r = 1, 3..10 is 4.23), clicked with
    // 0.04: about 338.
    assertThat(otherClicks).isBetween(280, 400);
    assertThat(relevantDwell / relevantClicks)
        .isGreaterThan(10_000); // over the streams app's dwell threshold
    assertThat(otherDwell / otherClicks).isLessThan(10_000);
  }

  @Test
  void actionsComeInTimeOrder() {
    List<UserModel.Action> actions =
        UserModel.DEFAULT.act(SHOWN, Set.of("d1", "d3", "d5"), new SplittableRandom(3));
    for (int i = 1; i < actions.size(); i++) {
      assertThat(actions.get(i).offsetMs()).isGreaterThan(actions.get(i - 1).offsetMs());
    }
  }

  @Test
  void theThoroughUserClicksExactlyTheRelevantResultsWhateverTheRandomNumbers() {
    for (int seed = 0; seed < 50; seed++) {
      List<UserModel.Action> actions =
          UserModel.THOROUGH.act(SHOWN, Set.of("d3", "d7"), new SplittableRandom(seed));
      assertThat(actions).extracting(UserModel.Action::docId).containsExactly("d3", "d7");
      assertThat(actions)
          .allSatisfy(
              a -> {
                assertThat(a.kind()).isEqualTo(UserModel.Action.Kind.CLICK);
                assertThat(a.dwellMs()).isEqualTo(30_000);
              });
    }
  }

  @Test
  void labelsComeAtTheLabelRateOnTheFirstRelevantDocWithGradeTwoOrThree() {
    SplittableRandom random = new SplittableRandom(5);
    assertThat(UserModel.DEFAULT.label(List.of("d2", "d4"), random)).isNull();
    UserModel labelling = UserModel.DEFAULT.withLabelRate(0.25);
    int labels = 0;
    for (int i = 0; i < 2000; i++) {
      UserModel.Label l = labelling.label(List.of("d2", "d4"), random);
      if (l != null) {
        labels++;
        assertThat(l.docId()).isEqualTo("d2");
        assertThat(l.grade()).isBetween(2, 3);
      }
    }
    assertThat(labels).isBetween(420, 580); // 500 expected
  }

  @Test
  void probabilitiesOutsideZeroToOneAreRefused() {
    assertThatThrownBy(() -> new UserModel(1.2, 0.5, 0.9, 0.04, 40, 0.1, 0.2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[0, 1]");
  }
}
