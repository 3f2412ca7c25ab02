package io.lorastream.cli.demo;

import io.lorastream.model.eval.BeirDataset;
import io.lorastream.model.eval.EmbeddingMatrix;
import io.lorastream.model.eval.MetricAt;
import io.lorastream.model.eval.QueryResult;
import io.lorastream.model.eval.RetrievalEvaluator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * nDCG@10 and Recall@100 of a served model version on the test split: test queries embedded through
 * the server with that exact version, searched in the document index.
 */
final class TestSplitEvaluator {

  /** One evaluation: mean nDCG@10 and Recall@100 over the test queries. */
  record Scores(double ndcgAt10, double recallAt100) {}

  private final List<String> queryIds;
  private final List<String> queryTexts;
  private final Map<String, Set<String>> relevant;
  private final ServerClient client;

  TestSplitEvaluator(BeirDataset data, ServerClient client) {
    this.relevant = data.relevantDocs(data.qrels("test"));
    this.queryIds = new ArrayList<>(relevant.keySet());
    this.queryTexts = queryIds.stream().map(q -> data.queries().get(q).text()).toList();
    this.client = client;
  }

  Scores evaluate(String version, EmbeddingMatrix documents)
      throws IOException, InterruptedException {
    float[][] vectors = new float[queryIds.size()][];
    for (int from = 0; from < queryIds.size(); from += 32) {
      List<String> slice = queryTexts.subList(from, Math.min(queryTexts.size(), from + 32));
      float[][] v = client.embed(slice, version, "query").vectors();
      System.arraycopy(v, 0, vectors, from, v.length);
    }
    List<MetricAt> metrics = List.of(MetricAt.NDCG_AT_10, MetricAt.RECALL_AT_100);
    List<QueryResult> results =
        RetrievalEvaluator.scoreQueries(queryIds, vectors, relevant, documents, metrics);
    double ndcg = results.stream().mapToDouble(r -> r.get(MetricAt.NDCG_AT_10)).average().orElse(0);
    double recall =
        results.stream().mapToDouble(r -> r.get(MetricAt.RECALL_AT_100)).average().orElse(0);
    return new Scores(ndcg, recall);
  }
}
