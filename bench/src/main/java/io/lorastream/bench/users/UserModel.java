package io.lorastream.bench.users;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The simulated searcher the demo, the benchmarks and the tests share: a position-biased click
 * model over known relevance (the train qrels).
 *
 * <p>The user examines rank r with probability {@code examineTop * r^-examineDecay} (examination
 * falls with rank, as in the position-based model of Craswell et al.), clicks an examined relevant
 * result with probability {@code relevantClick} and an examined other result with {@code
 * noiseClick}; dwell is long on relevant results (lognormal around {@code relevantDwellSeconds},
 * log-spread {@code dwellSpread}) and short on the others (1-8 s). A satisfied click sometimes
 * earns a thumbs up, a bad one a thumbs down. Now and then the user also grades a query's relevant
 * document explicitly (a relevance label).
 *
 * <p>{@link #DEFAULT} is the demo's searcher; {@link #THOROUGH} examines every result and clicks
 * exactly the relevant ones, so what it does does not depend on the random numbers.
 *
 * @param examineTop probability of examining rank 1
 * @param examineDecay how fast examination falls with rank
 * @param relevantClick click probability of an examined relevant result
 * @param noiseClick click probability of an examined non-relevant result
 * @param relevantDwellSeconds median dwell on a relevant result
 * @param dwellSpread standard deviation of the log of that dwell (0: always the median)
 * @param thumbsUpRate thumbs up after a relevant click
 * @param thumbsDownRate thumbs down after a non-relevant click
 * @param labelRate probability that a search also brings a relevance label for the query ({@link
 *     #label})
 */
public record UserModel(
    double examineTop,
    double examineDecay,
    double relevantClick,
    double noiseClick,
    double relevantDwellSeconds,
    double dwellSpread,
    double thumbsUpRate,
    double thumbsDownRate,
    double labelRate) {

  /** The demo's searchers. */
  public static final UserModel DEFAULT = new UserModel(0.98, 0.5, 0.9, 0.04, 40, 0.1, 0.2);

  /**
   * Examines every result, clicks every relevant one and nothing else, dwells 30 s on each; no
   * thumbs, no labels.
   */
  public static final UserModel THOROUGH = new UserModel(1, 0, 1, 0, 30, 0, 0, 0, 0);

  public UserModel {
    for (double p :
        new double[] {
          examineTop, relevantClick, noiseClick, thumbsUpRate, thumbsDownRate, labelRate
        }) {
      if (!(p >= 0 && p <= 1)) {
        throw new IllegalArgumentException("user model probabilities must be in [0, 1], got " + p);
      }
    }
    if (!(examineDecay >= 0) || !(relevantDwellSeconds > 0) || !(dwellSpread >= 0)) {
      throw new IllegalArgumentException(
          "examine decay and dwell spread must be >= 0 and dwell > 0");
    }
  }

  /** A user with the demo's dwell spread (0.5) who gives no labels. */
  public UserModel(
      double examineTop,
      double examineDecay,
      double relevantClick,
      double noiseClick,
      double relevantDwellSeconds,
      double thumbsUpRate,
      double thumbsDownRate) {
    this(
        examineTop,
        examineDecay,
        relevantClick,
        noiseClick,
        relevantDwellSeconds,
        0.5,
        thumbsUpRate,
        thumbsDownRate,
        0);
  }

  public UserModel withLabelRate(double p) {
    return new UserModel(
        examineTop,
        examineDecay,
        relevantClick,
        noiseClick,
        relevantDwellSeconds,
        dwellSpread,
        thumbsUpRate,
        thumbsDownRate,
        p);
  }

  /** One interaction of the simulated user. */
  public record Action(String docId, int rank, Kind kind, long dwellMs, long offsetMs) {
    public enum Kind {
      CLICK,
      THUMBS_UP,
      THUMBS_DOWN
    }
  }

  /** An explicit relevance judgement: grade 2 (relevant) or 3 (highly relevant). */
  public record Label(String docId, int grade) {}

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
      long dwell =
          isRelevant
              ? Math.round(1000 * relevantDwellSeconds * Math.exp(dwellSpread * gaussian(random)))
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

  /**
   * The relevance label a search brings, if any: with probability {@code labelRate}, grade 2 or 3
   * (even odds) for the first of the query's relevant docs.
   *
   * @param relevant the query's relevant doc ids, in qrels order
   * @return the label, or null
   */
  public Label label(Collection<String> relevant, SplittableRandom random) {
    if (relevant.isEmpty() || random.nextDouble() >= labelRate) {
      return null;
    }
    return new Label(relevant.iterator().next(), 2 + random.nextInt(2));
  }

  private static double gaussian(SplittableRandom r) {
    double u = Math.max(r.nextDouble(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
  }
}
