package io.lorastream.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Expected values are worked by hand below and were cross-checked against a line-by-line
 * transcription of sentence-transformers' InformationRetrievalEvaluator.compute_metrics in Python.
 */
class RetrievalMetricsTest {
  private static final double EPS = 1e-12;
  // 1 / log2(i + 2) for ranks i = 0..4
  private static final double D0 = 1.0;
  private static final double D1 = 1 / (Math.log(3) / Math.log(2)); // 0.6309297535714575
  private static final double D2 = 0.5;
  private static final double D3 = 1 / (Math.log(5) / Math.log(2)); // 0.43067655807339306

  // d2 at rank 2 and d4 at rank 4 are relevant; relevant d9 was never retrieved but still counts in
  // |R| = 3
  private static final List<String> RANKED = List.of("d1", "d2", "d3", "d4", "d5");
  private static final Set<String> RELEVANT = Set.of("d2", "d4", "d9");

  @Test
  void gradedNdcgUsesLinearGainsAndTheIdealOrderOfAllJudgedGains() {
    // DCG = 2/log2(2) + 3/log2(4) = 3.5; ideal [3, 2, 1]: 3 + 2/log2(3) + 1/log2(4) = 4.7618595...
    double v =
        RetrievalMetrics.ndcgAt(List.of("a", "b", "c"), Map.of("a", 2.0, "c", 3.0, "z", 1.0), 10);
    assertThat(v).isCloseTo(0.7350069851388743, within(1e-12));
    // binary gains give the set version's value
    assertThat(RetrievalMetrics.ndcgAt(List.of("x", "a", "b"), Map.of("a", 1.0, "b", 1.0), 10))
        .isCloseTo(
            RetrievalMetrics.ndcgAt(List.of("x", "a", "b"), Set.of("a", "b"), 10), within(1e-15));
    assertThatThrownBy(() -> RetrievalMetrics.ndcgAt(List.of("a"), Map.<String, Double>of(), 10))
        .hasMessageContaining("at least one relevant");
  }

  @Test
  void accuracyIsOneOnceAnyRelevantDocumentIsInTheTopK() {
    assertThat(RetrievalMetrics.accuracyAt(RANKED, RELEVANT, 1)).isEqualTo(0.0);
    assertThat(RetrievalMetrics.accuracyAt(RANKED, RELEVANT, 2)).isEqualTo(1.0);
  }

  @Test
  void precisionDividesHitsByKEvenWhenFewerWereRetrieved() {
    // top 3 holds d2: 1/3; top 5 holds d2, d4: 2/5; at k = 10 only 5 were retrieved, still 2/10
    assertThat(RetrievalMetrics.precisionAt(RANKED, RELEVANT, 3)).isCloseTo(1.0 / 3, within(EPS));
    assertThat(RetrievalMetrics.precisionAt(RANKED, RELEVANT, 5)).isCloseTo(0.4, within(EPS));
    assertThat(RetrievalMetrics.precisionAt(RANKED, RELEVANT, 10)).isCloseTo(0.2, within(EPS));
  }

  @Test
  void recallCountsRelevantDocumentsThatWereNeverRetrieved() {
    // hits / |R| with |R| = 3 (d9 included): 1/3 at k = 3, 2/3 at k = 5
    assertThat(RetrievalMetrics.recallAt(RANKED, RELEVANT, 3)).isCloseTo(1.0 / 3, within(EPS));
    assertThat(RetrievalMetrics.recallAt(RANKED, RELEVANT, 5)).isCloseTo(2.0 / 3, within(EPS));
  }

  @Test
  void reciprocalRankUsesTheFirstRelevantDocumentWithinK() {
    // first hit d2 at rank 2 -> 1/2; with k = 1 it is out of reach -> 0; d4 at rank 4 is ignored
    assertThat(RetrievalMetrics.mrrAt(RANKED, RELEVANT, 10)).isEqualTo(0.5);
    assertThat(RetrievalMetrics.mrrAt(RANKED, RELEVANT, 1)).isEqualTo(0.0);
  }

  @Test
  void ndcgUsesBinaryGainsAndAnIdealOfMinOfRelevantAndK() {
    // k = 5: DCG = D1 (d2 at index 1) + D3 (d4 at index 3); ideal puts 3 relevant first: D0 + D1 +
    // D2
    assertThat(RetrievalMetrics.ndcgAt(RANKED, RELEVANT, 5))
        .isCloseTo((D1 + D3) / (D0 + D1 + D2), within(EPS))
        .isCloseTo(0.49818925746641285, within(EPS));
    // k = 2: DCG = D1; ideal has only 2 slots: D0 + D1
    assertThat(RetrievalMetrics.ndcgAt(RANKED, RELEVANT, 2))
        .isCloseTo(D1 / (D0 + D1), within(EPS))
        .isCloseTo(0.38685280723454163, within(EPS));
    // k = 3: DCG = D1; ideal D0 + D1 + D2 = 2.1309...
    assertThat(RetrievalMetrics.ndcgAt(RANKED, RELEVANT, 3))
        .isCloseTo(0.2960819109658652, within(EPS));
  }

  @Test
  void averagePrecisionDividesByMinOfKAndRelevantCount() {
    // k = 5: hits at rank 2 (precision 1/2) and rank 4 (2/4); (0.5 + 0.5) / min(5, 3) = 1/3
    assertThat(RetrievalMetrics.averagePrecisionAt(RANKED, RELEVANT, 5))
        .isCloseTo(1.0 / 3, within(EPS));
    // k = 2: hit at rank 2 only; 0.5 / min(2, 3) = 0.25
    assertThat(RetrievalMetrics.averagePrecisionAt(RANKED, RELEVANT, 2))
        .isCloseTo(0.25, within(EPS));
  }

  @Test
  void aPerfectSingleHitScoresOneExceptPrecisionAtLargeK() {
    List<String> ranked = List.of("a");
    Map<MetricAt, Double> m =
        RetrievalMetrics.forQuery(ranked, Set.of("a"), RetrievalMetrics.DEFAULT_METRICS);
    assertThat(m.get(MetricAt.NDCG_AT_10)).isEqualTo(1.0);
    assertThat(m.get(MetricAt.MRR_AT_10)).isEqualTo(1.0);
    assertThat(m.get(MetricAt.RECALL_AT_100)).isEqualTo(1.0);
    assertThat(m.get(MetricAt.of(Metric.MAP, 100))).isEqualTo(1.0); // 1 / min(100, 1)
    assertThat(m.get(MetricAt.of(Metric.PRECISION, 10))).isCloseTo(0.1, within(EPS)); // 1 / 10
  }

  @Test
  void aRankingWithoutHitsScoresZeroEverywhere() {
    Map<MetricAt, Double> m =
        RetrievalMetrics.forQuery(List.of("x", "y"), Set.of("a"), RetrievalMetrics.DEFAULT_METRICS);
    assertThat(m.values()).allMatch(v -> v == 0.0);
  }

  @Test
  void anEmptyRankingIsAllowedAndScoresZero() {
    assertThat(RetrievalMetrics.ndcgAt(List.of(), Set.of("a"), 10)).isEqualTo(0.0);
    assertThat(RetrievalMetrics.mrrAt(List.of(), Set.of("a"), 10)).isEqualTo(0.0);
  }

  @Test
  void aQueryWithoutRelevantDocumentsIsRejectedAsStLeavesItOut() {
    assertThatThrownBy(() -> RetrievalMetrics.ndcgAt(RANKED, Set.of(), 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("leave it out");
  }

  @Test
  void aRankingThatRepeatsADocumentIsRejected() {
    assertThatThrownBy(
            () ->
                RetrievalMetrics.forQuery(
                    List.of("a", "a"), Set.of("a"), List.of(MetricAt.NDCG_AT_10)))
        .hasMessageContaining("repeats");
  }

  @Test
  void theDatasetFigureIsThePlainMeanOverQueries() {
    // MRR@10 of three queries with first hits at ranks 2, 1 and 4: (1/2 + 1 + 1/4) / 3 = 0.58333...
    List<Map<MetricAt, Double>> perQuery =
        List.of(
            RetrievalMetrics.forQuery(
                List.of("d1", "d3"), Set.of("d3"), List.of(MetricAt.MRR_AT_10)),
            RetrievalMetrics.forQuery(List.of("d4"), Set.of("d4"), List.of(MetricAt.MRR_AT_10)),
            RetrievalMetrics.forQuery(
                List.of("a", "b", "c", "d1"), Set.of("d1"), List.of(MetricAt.MRR_AT_10)));
    assertThat(RetrievalMetrics.mean(perQuery).get(MetricAt.MRR_AT_10))
        .isCloseTo(1.75 / 3, within(EPS));
    assertThatThrownBy(() -> RetrievalMetrics.mean(List.of())).hasMessageContaining("no query");
  }

  @Test
  void metricKeysPrintAndParseAsNameAtK() {
    assertThat(MetricAt.NDCG_AT_10).hasToString("ndcg@10");
    assertThat(MetricAt.parse("Recall@100")).isEqualTo(MetricAt.RECALL_AT_100);
    assertThatThrownBy(() -> MetricAt.parse("ndcg")).hasMessageContaining("name@k");
    assertThatThrownBy(() -> MetricAt.parse("bleu@4"))
        .hasMessageContaining("unknown metric 'bleu'");
    assertThatThrownBy(() -> MetricAt.of(Metric.NDCG, 0)).hasMessageContaining(">= 1, got 0");
  }

  @Test
  void scoresPutTheHeadlineMetricsFirstInTheirFlatForm() {
    RetrievalScores scores =
        new RetrievalScores(
            new java.util.TreeMap<>(
                Map.of(
                    MetricAt.RECALL_AT_100,
                    0.9,
                    MetricAt.MRR_AT_10,
                    0.6,
                    MetricAt.NDCG_AT_10,
                    0.7)),
            3);
    assertThat(scores.asFlatMap().keySet()).containsExactly("ndcg@10", "mrr@10", "recall@100");
    assertThat(scores.ndcgAt10()).isEqualTo(0.7);
    assertThatThrownBy(() -> scores.get(Metric.MAP, 100))
        .hasMessageContaining("map@100 was not computed");
  }
}
