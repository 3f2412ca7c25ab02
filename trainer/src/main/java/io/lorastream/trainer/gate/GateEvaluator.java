package io.lorastream.trainer.gate;

import io.lorastream.model.EncoderEmbedder;
import io.lorastream.model.InputType;
import io.lorastream.model.adapter.AdaptationMode;
import io.lorastream.model.encoder.BertEncoder;
import io.lorastream.model.eval.EmbeddingMatrix;
import io.lorastream.model.eval.ExactSearch;
import io.lorastream.model.eval.ScoredDoc;
import io.lorastream.model.lora.LoraAdapter;
import io.lorastream.model.tokenize.TextTokenizer;
import io.lorastream.model.train.DocumentEmbeddingCache;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * nDCG@10 of an adapter (or the base model) on evaluation data, query by query: what the quality
 * gate compares. Queries go through the adapter; documents through the adapter in {@code both} mode
 * and through the base in {@code query} mode, where their embeddings are known in advance (the
 * trainer's known corpus) or come from the shared document cache.
 */
public final class GateEvaluator {

  private final BertEncoder base;

  public GateEvaluator(BertEncoder base) {
    this.base = base;
  }

  /**
   * Vectors of one fixed model (a published version, or the base), kept between gate runs so only
   * new queries and documents are embedded. Drop it when that model changes.
   */
  public static final class VectorMemo {
    final Map<String, float[]> queries = new HashMap<>();
    final Map<String, float[]> documents = new HashMap<>();
  }

  /** Per-query nDCG@10 under each {@link GateMetric}, in the data's query order. */
  public record Scores(double[] condensed, double[] full) {
    public double[] of(GateMetric metric) {
      return switch (metric) {
        case CONDENSED -> condensed;
        case FULL -> full;
      };
    }

    public double mean(GateMetric metric) {
      double s = 0;
      for (double v : of(metric)) {
        s += v;
      }
      return s / of(metric).length;
    }
  }

  /**
   * Mean nDCG@10 over the evaluation queries (plain nDCG on the judgments, {@link
   * GateMetric#FULL}).
   */
  public double ndcgAt10(
      EvalData data,
      LoraAdapter adapter,
      AdaptationMode mode,
      TextTokenizer tokenizer,
      DocumentEmbeddingCache documents,
      VectorMemo memo) {
    return perQueryNdcgAt10(data, adapter, mode, tokenizer, documents, memo).mean(GateMetric.FULL);
  }

  /**
   * nDCG@10 of each evaluation query under each metric: each query ranks the base pool (every
   * document the trainer knows, in query mode) or the pool's texts embedded by the model judged.
   *
   * @param adapter the adapter to score, or null for the base model
   * @param mode which side goes through the adapter
   * @param memo vectors remembered for this same model, or null (a candidate changes every step)
   */
  public Scores perQueryNdcgAt10(
      EvalData data,
      LoraAdapter adapter,
      AdaptationMode mode,
      TextTokenizer tokenizer,
      DocumentEmbeddingCache documents,
      VectorMemo memo) {
    if (data.queryCount() == 0) {
      throw new IllegalArgumentException("no evaluation query has a relevant document yet");
    }
    try (BertEncoder merged = adapter == null ? null : base.withMergedAdapter(adapter)) {
      BertEncoder queryEncoder = merged == null ? base : merged;
      BertEncoder documentEncoder = merged != null && mode == AdaptationMode.BOTH ? merged : base;
      EncoderEmbedder embedder = new EncoderEmbedder(queryEncoder, documentEncoder, tokenizer);
      List<String> texts = data.queries().stream().map(EvalData.Query::text).toList();
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
        pool =
            EmbeddingMatrix.of(
                data.poolIds(),
                embed(
                    embedder,
                    data.poolTexts(),
                    InputType.DOCUMENT,
                    memo == null ? null : memo.documents));
      }
      List<List<ScoredDoc>> rankings = ExactSearch.topK(q, pool, 10);
      Map<String, Integer> rows = new HashMap<>();
      for (int i = 0; i < pool.size(); i++) {
        rows.put(pool.ids().get(i), i);
      }
      int n = data.queryCount();
      double[] full = new double[n];
      double[] condensed = new double[n];
      for (int i = 0; i < n; i++) {
        EvalData.Query query = data.queries().get(i);
        List<String> top = rankings.get(i).stream().map(ScoredDoc::docId).toList();
        full[i] = GateMetric.FULL.ndcgAt10(top, query.gains(), query.judged());
        // Condensed only when every judged document is in the pool: judged documents known from
        // pairs alone are the
        // clicked ones and the skip-above negatives, which the serving model ranked above the click
        // by construction, so
        // any change to the ranking would look like a gain. Otherwise the query counts as in FULL.
        condensed[i] =
            query.judged() == null || !rows.keySet().containsAll(query.judged())
                ? full[i]
                : GateMetric.CONDENSED.ndcgAt10(
                    judgedRanking(q[i], query.judged(), pool, rows), query.gains(), query.judged());
      }
      return new Scores(condensed, full);
    }
  }

  /** The judged documents the pool holds, best first. */
  private static List<String> judgedRanking(
      float[] query,
      java.util.Set<String> judged,
      EmbeddingMatrix pool,
      Map<String, Integer> rows) {
    List<ScoredDoc> scored = new ArrayList<>();
    int d = pool.dimension();
    for (String doc : judged) {
      Integer row = rows.get(doc);
      if (row != null) {
        float s = 0;
        for (int k = 0; k < d; k++) {
          s += query[k] * pool.values()[row * d + k];
        }
        scored.add(new ScoredDoc(doc, s));
      }
    }
    scored.sort((a, b) -> Float.compare(b.score(), a.score()));
    return scored.stream().map(ScoredDoc::docId).toList();
  }

  /** Embeds the texts the memo lacks (all, without a memo); results in input order. */
  private static float[][] embed(
      EncoderEmbedder embedder, List<String> texts, InputType type, Map<String, float[]> memo) {
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
