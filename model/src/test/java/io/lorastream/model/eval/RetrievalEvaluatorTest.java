package io.lorastream.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tiny corpus of {@link TinyBeir} under the {@link KeywordEmbedder}, worked by hand.
 *
 * <pre>
 * d1 "Apple pie" = [1,0,0,0]     d2 " banana bread" = [0,1,0,0]
 * d3 "Fruit apple and banana" = [1,1,0,0]/sqrt2     d4 " cherry" = [0,0,1,0]
 * q1 "apple" = [1,0,0,0]: d1 1, d3 .707, d2 = d4 = 0 (tie, larger id first) -> d1 d3 d4 d2; relevant d3 at rank 2
 * q2 "banana cherry" = [0,1,1,0]/sqrt2: d2 = d4 = .707, d3 .5, d1 0 -> d4 d2 d3 d1; relevant d2, d4 at ranks 1, 2
 * q3 "date" = [0,0,0,1]: all 0 -> d4 d3 d2 d1; relevant d1 at rank 4
 * nDCG@10: q1 = (1/log2 3) / 1 = .63093, q2 = 1, q3 = (1/log2 5) / 1 = .43068 -> mean .68720
 * MRR@10: (1/2 + 1 + 1/4) / 3 = .58333; recall@1: (0 + 1/2 + 0) / 3 = 1/6; accuracy@1: 1/3
 * </pre>
 */
class RetrievalEvaluatorTest {
  @TempDir Path tmp;

  @Test
  void aBeirSplitScoresAsWorkedByHand() throws Exception {
    BeirDataset ds = BeirDataset.load(TinyBeir.write(tmp.resolve("beir")));
    RetrievalResult r =
        RetrievalEvaluator.builder(new KeywordEmbedder()).build().evaluate(ds, "test");

    assertThat(r.queries()).extracting(QueryResult::queryId).containsExactly("q1", "q2", "q3");
    assertThat(r.queries().get(0).ranking())
        .extracting(ScoredDoc::docId)
        .containsExactly("d1", "d3", "d4", "d2");
    assertThat(r.queries().get(1).ranking())
        .extracting(ScoredDoc::docId)
        .containsExactly("d4", "d2", "d3", "d1");
    assertThat(r.queries().get(2).ranking())
        .extracting(ScoredDoc::docId)
        .containsExactly("d4", "d3", "d2", "d1");
    assertThat(r.scores().ndcgAt10()).isCloseTo(0.6872021038816168, within(1e-6));
    assertThat(r.scores().mrrAt10()).isCloseTo(0.5833333333, within(1e-6));
    assertThat(r.scores().recallAt100()).isEqualTo(1.0);
    assertThat(r.scores().get(Metric.RECALL, 1)).isCloseTo(1.0 / 6, within(1e-9));
    assertThat(r.scores().get(Metric.ACCURACY, 1)).isCloseTo(1.0 / 3, within(1e-9));
    assertThat(r.scores().queryCount()).isEqualTo(3);
    assertThat(r.skippedQueries()).isEqualTo(1); // q5: judged, but score 0
    assertThat(r.documentCount()).isEqualTo(4);
    assertThat(r.queries().get(0).get(MetricAt.NDCG_AT_10))
        .isCloseTo(0.6309297535714575, within(1e-6));
  }

  @Test
  void progressCountsEveryEmbeddedTextUpToTheTotal() throws Exception {
    BeirDataset ds = BeirDataset.load(TinyBeir.write(tmp.resolve("beir")));
    List<long[]> calls = new ArrayList<>();
    RetrievalEvaluator.builder(new KeywordEmbedder())
        .optChunkSize(2)
        .optProgress((done, total) -> calls.add(new long[] {done, total}))
        .build()
        .evaluate(ds, "test");
    // 4 documents then 3 queries, 2 texts per call
    assertThat(calls)
        .containsExactly(
            new long[] {2, 7}, new long[] {4, 7}, new long[] {6, 7}, new long[] {7, 7});
  }

  @Test
  void aSecondRunReadsTheCorpusFromTheCacheWithoutEmbeddingIt() throws Exception {
    BeirDataset ds = BeirDataset.load(TinyBeir.write(tmp.resolve("beir")));
    EmbeddingCache cache = new EmbeddingCache(tmp.resolve("cache"));
    KeywordEmbedder embedder = new KeywordEmbedder();
    RetrievalEvaluator evaluator =
        RetrievalEvaluator.builder(embedder).optCache(cache, "keywords/v1").build();

    RetrievalResult first = evaluator.evaluate(ds, "test");
    assertThat(first.corpusFromCache()).isFalse();
    assertThat(embedder.documentTexts).hasValue(4);

    RetrievalResult second = evaluator.evaluate(ds, "test");
    assertThat(second.corpusFromCache()).isTrue();
    assertThat(embedder.documentTexts).hasValue(4); // not called again for documents
    assertThat(second.scores()).isEqualTo(first.scores());

    // another fingerprint is another cache entry
    RetrievalEvaluator.builder(embedder)
        .optCache(cache, "keywords/v2")
        .build()
        .evaluate(ds, "test");
    assertThat(embedder.documentTexts).hasValue(8);
  }

  @Test
  void queriesAreScoredAgainstARestrictedPoolWithMissingRelevantDocumentsStillCounted() {
    KeywordEmbedder embedder = new KeywordEmbedder();
    float r = (float) Math.sqrt(0.5);
    Map<String, float[]> pool = new LinkedHashMap<>();
    pool.put("d2", new float[] {0, 1, 0, 0});
    pool.put("d3", new float[] {r, r, 0, 0});
    Map<String, String> queries = new LinkedHashMap<>();
    queries.put("qa", "apple");
    queries.put("qb", "banana");
    queries.put("qc", "cherry");
    Map<String, Set<String>> relevant = Map.of("qa", Set.of("d1", "d3"), "qb", Set.of("d2"));

    RetrievalResult res =
        RetrievalEvaluator.builder(embedder).build().evaluate(queries, relevant, pool);

    // qa: d3 (.707) then d2 (0); relevant d1 is not in the pool but |R| = 2
    //   recall@1 = 1/2, nDCG@10 = 1 / (1 + 1/log2 3) = .61315; qb: d2 first -> recall@1 = 1, nDCG 1
    QueryResult qa = res.queries().get(0);
    assertThat(qa.get(MetricAt.of(Metric.RECALL, 1))).isEqualTo(0.5);
    assertThat(qa.get(MetricAt.NDCG_AT_10)).isCloseTo(1 / (1 + 0.6309297535714575), within(1e-6));
    assertThat(res.scores().get(Metric.RECALL, 1)).isCloseTo(0.75, within(1e-9));
    assertThat(res.skippedQueries()).isEqualTo(1); // qc has no relevant document
    assertThat(res.documentCount()).isEqualTo(2);
    assertThat(embedder.documentTexts).hasValue(0);
  }

  @Test
  void anEmbedderReturningAZeroVectorIsReportedWithTheText() throws Exception {
    BeirDataset ds =
        BeirDataset.load(
            TinyBeir.write(
                tmp.resolve("beir"),
                "{\"_id\": \"d1\", \"text\": \"nothing known\"}\n",
                "{\"_id\": \"q\", \"text\": \"apple\"}\n",
                "query-id\tcorpus-id\tscore\nq\td1\t1\n"));
    assertThatThrownBy(
            () -> RetrievalEvaluator.builder(new KeywordEmbedder()).build().evaluate(ds, "test"))
        .hasMessageContaining("zero or non-finite vector for text ' nothing known'");
  }

  @Test
  void optionsAreValidated() {
    KeywordEmbedder e = new KeywordEmbedder();
    assertThatThrownBy(() -> RetrievalEvaluator.builder(e).optChunkSize(0))
        .hasMessageContaining(">= 1, got 0");
    assertThatThrownBy(() -> RetrievalEvaluator.builder(e).optCache(new EmbeddingCache(tmp), " "))
        .hasMessageContaining("fingerprint");
    assertThatThrownBy(() -> RetrievalEvaluator.builder(e).optMetrics(List.of()))
        .hasMessageContaining("at least one");
  }
}
