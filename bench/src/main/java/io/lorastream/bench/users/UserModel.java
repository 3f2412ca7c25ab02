package io.lorastream.bench.users;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A simulated searcher: a position-biased click model over known relevance (the train qrels).
 *
 * <p>The user examines rank r with probability {@code examineTop * r^-examineDecay} (examination
 * falls with rank, as in the position-based model of Craswell et al.), clicks an examined relevant
 * result with probability {@code relevantClick} and an examined other result with
 * {@code noiseClick}; dwell is long on relevant results (lognormal around {@code relevantDwellSeconds})
 * and short on the others. A satisfied click sometimes earns a thumbs up, a bad one a thumbs down.
 *
 * @param examineTop probability of examining rank 1
 * @param examineDecay how fast examination falls with rank
 * @param relevantClick click probability of an examined relevant result
 * @param noiseClick click probability of an examined non-relevant result
 * @param relevantDwellSeconds median dwell on a relevant result
 * @param thumbsUpRate thumbs up after a relevant click
 * @param thumbsDownRate thumbs down after a non-relevant click
 */
public record UserModel(
    double examineTop, double examineDecay, double relevantClick, double noiseClick, double relevantDwellSeconds,
    double thumbsUpRate, double thumbsDownRate) {

  public static final UserModel DEFAULT = new UserModel(0.98, 0.5, 0.9, 0.04, 40, 0.1, 0.2);

  public UserModel {
    for (double p : new double[] {examineTop, relevantClick, noiseClick, thumbsUpRate, thumbsDownRate}) {
      if (!(p >= 0 && p <= 1)) {
        throw new IllegalArgumentException("user model probabilities must be in [0, 1], got " + p);
      }
    }
    if (!(examineDecay >= 0) || !(relevantDwellSeconds > 0)) {
      throw new IllegalArgumentException("examine decay must be >= 0 and dwell > 0");
    }
  }

  /** One interaction of the simulated user. */
  public record Action(String docId, int rank, Kind kind, long dwellMs, long offsetMs) {
    public enum Kind { CLICK, THUMBS_UP, THUMBS_DOWN }
  }

  /** Probability of examining rank r (1-based). */
  public double examine(int rank) {
    return Math.min(1, examineTop * Math.pow(rank, -examineDecay));
  }

  /**
   * What the user does on one result page, in time order.
   *
   * @param shown doc ids in rank order
   * @param relevant the query's relevant doc ids
   */
  public List<Action> act(List<String> shown, Set<String> relevant, SplittableRandom random) {
    List<Action> actions = new ArrayList<>();
    long clock = 800; // ms after the page was shown
    for (int i = 0; i < shown.size(); i++) {
      int rank = i + 1;
      if (random.nextDouble() >= examine(rank)) {
        continue;
      }
      String doc = shown.get(i);
      boolean isRelevant = relevant.contains(doc);
      if (random.nextDouble() >= (isRelevant ? relevantClick : noiseClick)) {
        clock += 300;
        continue;
      }
      long dwell = isRelevant
          ? Math.round(1000 * relevantDwellSeconds * Math.exp(0.5 * gaussian(random)))
          : 1000 + random.nextInt(7000);
      actions.add(new Action(doc, rank, Action.Kind.CLICK, dwell, clock));
      clock += 400;
      if (isRelevant && random.nextDouble() < thumbsUpRate) {
        actions.add(new Action(doc, rank, Action.Kind.THUMBS_UP, 0, clock));
      } else if (!isRelevant && random.nextDouble() < thumbsDownRate) {
        actions.add(new Action(doc, rank, Action.Kind.THUMBS_DOWN, 0, clock));
      }
      clock += 300;
    }
    return actions;
  }

  private static double gaussian(SplittableRandom r) {
    double u = Math.max(r.nextDouble(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
  }
}
