package io.lorastream.trainer;

import io.lorastream.model.EncoderEmbedder;
import io.lorastream.model.InputType;
import io.lorastream.model.adapter.AdaptationMode;
import io.lorastream.model.encoder.BertEncoder;
import io.lorastream.model.eval.EmbeddingMatrix;
import io.lorastream.model.eval.MetricAt;
import io.lorastream.model.eval.QueryResult;
import io.lorastream.model.eval.RetrievalEvaluator;
import io.lorastream.model.lora.LoraAdapter;
import io.lorastream.model.tokenize.TextTokenizer;
import io.lorastream.model.train.DocumentEmbeddingCache;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * nDCG@10 of an adapter (or the base model) on evaluation data: the quality gate's one figure. Queries
 * go through the adapter; documents through the adapter in {@code both} mode and through the base in
 * {@code query} mode, where their embeddings come from the shared document cache (computed once).
 * Rankings and nDCG are the evaluator's ({@link RetrievalEvaluator#scoreQueries}, ST-exact).
 */
public final class GateEvaluator {

  private static final List<MetricAt> METRIC = List.of(MetricAt.NDCG_AT_10);

  private final BertEncoder base;

  public GateEvaluator(BertEncoder base) {
    this.base = base;
  }

  /**
   * Vectors of one fixed model (a published version, or the base), kept between gate runs so only new
   * queries and documents are embedded. Drop it when that model changes.
   */
  public static final class VectorMemo {
    final Map<String, float[]> queries = new HashMap<>();
    final Map<String, float[]> documents = new HashMap<>();
  }

  /**
   * @param adapter the adapter to score, or null for the base model
   * @param mode which side goes through the adapter
   * @param memo vectors remembered for this same model, or null (a candidate changes every step)
   */
  public double ndcgAt10(
      EvalData data, LoraAdapter adapter, AdaptationMode mode, TextTokenizer tokenizer, DocumentEmbeddingCache documents,
      VectorMemo memo) {
    if (data.queryCount() == 0) {
      throw new IllegalArgumentException("no evaluation query has a relevant document yet");
    }
    try (BertEncoder merged = adapter == null ? null : base.withMergedAdapter(adapter)) {
      BertEncoder queryEncoder = merged == null ? base : merged;
      BertEncoder documentEncoder = merged != null && mode == AdaptationMode.BOTH ? merged : base;
      EncoderEmbedder embedder = new EncoderEmbedder(queryEncoder, documentEncoder, tokenizer);
      List<String> ids = new ArrayList<>(data.queries().keySet());
      List<String> texts = ids.stream().map(data.queries()::get).toList();
      float[][] q = embed(embedder, texts, InputType.QUERY, memo == null ? null : memo.queries);
      EmbeddingMatrix pool;
      if (documentEncoder == base && data.basePool() != null) {
        pool = data.basePool();
      } else if (documentEncoder == base) {
        float[][] rows = new float[data.poolTexts().size()][];
        for (int i = 0; i < rows.length; i++) {
          rows[i] = documents.getOrCompute(base, tokenizer, data.poolTexts().get(i));
        }
        pool = EmbeddingMatrix.of(data.poolIds(), rows);
      } else {
        pool = EmbeddingMatrix.of(data.poolIds(), embed(embedder, data.poolTexts(), InputType.DOCUMENT, memo == null ? null : memo.documents));
      }
      List<QueryResult> results = RetrievalEvaluator.scoreQueries(ids, q, data.relevant(), pool, METRIC);
      double sum = 0;
      for (QueryResult r : results) {
        sum += r.get(MetricAt.NDCG_AT_10);
      }
      return sum / results.size();
    }
  }

  /** Embeds the texts the memo lacks (all, without a memo); results in input order. */
  private static float[][] embed(EncoderEmbedder embedder, List<String> texts, InputType type, Map<String, float[]> memo) {
    float[][] out = new float[texts.size()][];
    List<Integer> missing = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      float[] v = memo == null ? null : memo.get(texts.get(i));
      if (v == null) {
        missing.add(i);
      } else {
        out[i] = v;
      }
    }
    if (!missing.isEmpty()) {
      float[][] computed = embedder.embed(missing.stream().map(texts::get).toList(), type);
      for (int j = 0; j < computed.length; j++) {
        out[missing.get(j)] = computed[j];
        if (memo != null) {
          memo.put(texts.get(missing.get(j)), computed[j]);
        }
      }
    }
    return out;
  }
}
