package io.lorastream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lorastream.model.AdaptedEmbedder;
import io.lorastream.model.Embedder;
import io.lorastream.model.EncoderStack;
import io.lorastream.model.eval.BeirDataset;
import io.lorastream.model.eval.EmbeddingCache;
import io.lorastream.model.eval.RetrievalEvaluator;
import io.lorastream.model.eval.RetrievalResult;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Retrieval quality on a BEIR folder, as sentence-transformers' InformationRetrievalEvaluator
 * computes it. Prints one JSON object on stdout; a progress bar on stderr.
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluate retrieval (nDCG@10, MRR@10, Recall@100, ...) on a BEIR-format dataset.",
      "Example: ./lorastream eval --dataset ../shared/datasets/scifact --split test"
    })
final class EvalCommand implements Callable<Integer> {

  @Mixin ModelOptions modelOptions;

  @Option(
      names = "--dataset",
      required = true,
      paramLabel = "DIR",
      description = "BEIR folder: corpus.jsonl, queries.jsonl, qrels/<split>.tsv.")
  Path dataset;

  @Option(
      names = "--split",
      defaultValue = "test",
      description = "Qrels split to evaluate. Default: ${DEFAULT-VALUE}.")
  String split;

  @Option(
      names = "--adapter",
      paramLabel = "DIR",
      description = "A LoRA adapter folder (PEFT layout) to evaluate.")
  Path adapter;

  @Option(names = "--no-cache", description = "Do not read or write cached corpus embeddings.")
  boolean noCache;

  @Override
  public Integer call() throws Exception {
    long start = System.nanoTime();
    BeirDataset data = BeirDataset.load(dataset);
    try (EncoderStack stack = modelOptions.open();
        AdaptedEmbedder adapted = adapter == null ? null : EmbedCommand.open(stack, adapter)) {
      Embedder embedder = adapted != null ? adapted : stack.baseEmbedder();
      ProgressBar bar = new ProgressBar(System.err, "embedding");
      RetrievalEvaluator.Builder builder =
          RetrievalEvaluator.builder(embedder).optProgress(bar::update);
      if (!noCache) {
        builder.optCache(EmbeddingCache.atDefaultLocation(), stack.documentFingerprint(adapted));
      }
      RetrievalResult result = builder.build().evaluate(data, split);
      ObjectMapper json = new ObjectMapper();
      ObjectNode out = json.createObjectNode();
      for (Map.Entry<String, Double> e : result.scores().asFlatMap().entrySet()) {
        out.put(e.getKey(), e.getValue());
      }
      out.put("dataset", dataset.toString());
      out.put("split", split);
      out.put("model", stack.base().id().name());
      out.put("adapter", adapter == null ? null : adapter.toString());
      out.put("adaptation_mode", adapted == null ? null : adapted.mode().configName());
      out.put("queries", result.scores().queryCount());
      out.put("documents", result.documentCount());
      out.put("max_length", stack.tokenizer().maxLength());
      out.put("truncated_texts", stack.tokenizer().truncatedTexts());
      out.put("corpus_from_cache", result.corpusFromCache());
      out.put("seconds", Math.round((System.nanoTime() - start) / 1e7) / 100.0);
      System.out.println(json.writeValueAsString(out));
      return 0;
    }
  }
}
