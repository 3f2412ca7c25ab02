package io.lorastream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lorastream.bench.topics.TopicQueries;
import io.lorastream.model.eval.BeirDataset;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lorastream bench topics-dataset}: a multi-positive BEIR set derived from another's corpus.
 */
@Command(
    name = "topics-dataset",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a multi-positive retrieval set in BEIR layout from a BEIR corpus: short topical queries (phrases of titles",
      "and abstracts), each with 8 to 150 relevant documents graded 2 (the title names the topic) or 1 (the abstract",
      "names it twice), 20% of them as the test split. For developing and benchmarking on a domain where a query has",
      "many relevant documents. The corpus is linked, not copied.",
      "Example: ./lorastream bench topics-dataset --from ../shared/datasets/scifact --out target/scifact-topics",
      "Last stdout line: one JSON object (train_queries, test_queries, mean_relevant, documents)."
    })
final class BenchTopicsCommand implements Callable<Integer> {

  @Option(
      names = "--from",
      paramLabel = "DIR",
      required = true,
      description = "The BEIR folder whose corpus to use.")
  Path from;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      required = true,
      description = "Where to write the new set.")
  Path out;

  @Override
  public Integer call() throws Exception {
    try {
      TopicQueries.Summary s = TopicQueries.write(BeirDataset.load(from), out);
      System.out.println(
          new ObjectMapper()
              .writeValueAsString(
                  java.util.Map.of(
                      "train_queries",
                      s.trainQueries(),
                      "test_queries",
                      s.testQueries(),
                      "mean_relevant",
                      Math.round(s.meanRelevant() * 10) / 10.0,
                      "documents",
                      s.documents(),
                      "out",
                      out.toAbsolutePath().toString())));
      return 0;
    } catch (IllegalArgumentException e) {
      System.err.println("lorastream bench topics-dataset: " + e.getMessage());
      return 1;
    }
  }
}
