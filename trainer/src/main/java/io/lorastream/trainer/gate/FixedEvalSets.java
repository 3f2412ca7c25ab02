package io.lorastream.trainer.gate;

import io.lorastream.model.EncoderEmbedder;
import io.lorastream.model.eval.BeirDataset;
import io.lorastream.model.eval.BeirDocument;
import io.lorastream.model.eval.EmbeddingCache;
import io.lorastream.model.eval.EmbeddingMatrix;
import io.lorastream.model.eval.RetrievalEvaluator;
import io.lorastream.trainer.step.TrainerModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fixed BEIR-format evaluation sets ({@code eval-dataset}), loaded once per (folder, split, max
 * length): the split's queries and qrels, and the corpus with its base embeddings from the on-disk
 * embedding cache (computed on first use, which takes minutes for thousands of documents on a CPU).
 */
final class FixedEvalSets {

  private final TrainerModel model;
  private final Map<String, EvalData> loaded = new HashMap<>();

  FixedEvalSets(TrainerModel model) {
    this.model = model;
  }

  synchronized EvalData get(Path folder, String split, int maxLength) {
    return loaded.computeIfAbsent(
        folder.toAbsolutePath() + "|" + split + "|" + maxLength,
        k -> load(folder, split, maxLength));
  }

  private EvalData load(Path folder, String split, int maxLength) {
    BeirDataset ds = BeirDataset.load(folder);
    Map<String, Set<String>> relevant = ds.relevantDocs(ds.qrels(split));
    List<EvalData.Query> queries = new ArrayList<>();
    relevant.forEach(
        (q, docs) -> {
          Map<String, Double> gains = new LinkedHashMap<>();
          docs.forEach(d -> gains.put(d, 1.0)); // binary, as the evaluator scores BEIR sets
          queries.add(new EvalData.Query(q, ds.queries().get(q).text(), gains, null));
        });
    List<String> ids = List.copyOf(ds.corpus().keySet());
    List<String> texts = ds.corpus().values().stream().map(BeirDocument::embeddingText).toList();
    EmbeddingMatrix corpus =
        RetrievalEvaluator.builder(
                EncoderEmbedder.symmetric(model.encoder(), model.tokenizer(maxLength)))
            .optCache(EmbeddingCache.atDefaultLocation(), model.baseFingerprint(maxLength))
            .build()
            .embedCorpus(ds);
    return new EvalData(queries, ids, texts, corpus);
  }
}
