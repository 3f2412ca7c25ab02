package io.lorastream.trainer.gate;

import io.lorastream.model.EncoderEmbedder;
import io.lorastream.model.adapter.AdaptationMode;
import io.lorastream.model.encoder.BertEncoder;
import io.lorastream.model.eval.BeirDataset;
import io.lorastream.model.eval.EmbeddingCache;
import io.lorastream.model.eval.EmbeddingMatrix;
import io.lorastream.model.eval.ProgressListener;
import io.lorastream.model.eval.RetrievalEvaluator;
import io.lorastream.model.eval.RetrievalScores;
import io.lorastream.model.lora.AdapterWeights;
import io.lorastream.model.lora.LoraAdapter;
import io.lorastream.model.tokenize.TextTokenizer;
import io.lorastream.trainer.step.TrainerModel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Retrieval quality of an adapter on a BEIR split, as served: queries through the adapter;
 * documents through it in {@code both} mode (the whole corpus re-embedded, minutes on a CPU) or
 * with their cached base embeddings in {@code query} mode.
 */
public final class AdapterEvaluation {

  private AdapterEvaluation() {}

  /**
   * The base corpus embeddings at {@code maxLength}, from the on-disk cache (computed on first
   * use).
   */
  public static EmbeddingMatrix baseCorpus(
      TrainerModel model, BeirDataset dataset, int maxLength, ProgressListener progress) {
    return RetrievalEvaluator.builder(
            EncoderEmbedder.symmetric(model.encoder(), model.tokenizer(maxLength)))
        .optCache(EmbeddingCache.atDefaultLocation(), model.baseFingerprint(maxLength))
        .optProgress(progress)
        .build()
        .embedCorpus(dataset);
  }

  /**
   * @param adapter null for the base model
   * @param baseCorpus the corpus' base embeddings (used in query mode and for the base)
   */
  public static RetrievalScores evaluate(
      TrainerModel model,
      AdapterWeights adapter,
      AdaptationMode mode,
      BeirDataset dataset,
      String split,
      int maxLength,
      EmbeddingMatrix baseCorpus,
      ProgressListener progress) {
    TextTokenizer tokenizer = model.tokenizer(maxLength);
    BertEncoder base = model.encoder();
    Map<String, Set<String>> relevant = dataset.relevantDocs(dataset.qrels(split));
    Map<String, String> queries = new LinkedHashMap<>();
    relevant.keySet().forEach(q -> queries.put(q, dataset.queries().get(q).text()));
    if (adapter == null) {
      return RetrievalEvaluator.builder(EncoderEmbedder.symmetric(base, tokenizer))
          .build()
          .evaluate(queries, relevant, baseCorpus)
          .scores();
    }
    try (LoraAdapter lora = LoraAdapter.fromWeights(adapter, base.manager(), false);
        BertEncoder merged = base.withMergedAdapter(lora)) {
      if (mode == AdaptationMode.QUERY) {
        return RetrievalEvaluator.builder(new EncoderEmbedder(merged, base, tokenizer))
            .build()
            .evaluate(queries, relevant, baseCorpus)
            .scores();
      }
      return RetrievalEvaluator.builder(EncoderEmbedder.symmetric(merged, tokenizer))
          .optProgress(progress)
          .build()
          .evaluate(dataset, split)
          .scores();
    }
  }
}
