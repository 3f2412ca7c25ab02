package io.lorastream.model.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes small BEIR folders for tests. */
final class TinyBeir {
  private TinyBeir() {}

  /**
   * Four documents and five queries over the keywords apple, banana, cherry, date (see {@link
   * KeywordEmbedder}). d1's keyword is only in its title.
   */
  static Path write(Path folder) throws IOException {
    return write(
        folder,
        """
        {"_id": "d1", "title": "Apple", "text": "pie"}
        {"_id": "d2", "title": "", "text": "banana bread"}
        {"_id": "d3", "title": "Fruit", "text": "apple and banana"}
        {"_id": "d4", "text": "cherry"}
        """,
        """
        {"_id": "q1", "text": "apple"}
        {"_id": "q2", "text": "banana cherry"}
        {"_id": "q3", "text": "date"}
        {"_id": "q4", "text": "apple"}
        {"_id": "q5", "text": "banana"}
        """,
        // q4 is judged only in train; q5's only judgment says "not relevant"
        "query-id\tcorpus-id\tscore\nq1\td3\t1\nq2\td2\t1\nq2\td4\t2\nq3\td1\t1\nq5\td2\t0\n");
  }

  static Path write(Path folder, String corpus, String queries, String testQrels)
      throws IOException {
    Files.createDirectories(folder.resolve("qrels"));
    Files.writeString(folder.resolve("corpus.jsonl"), corpus, StandardCharsets.UTF_8);
    Files.writeString(folder.resolve("queries.jsonl"), queries, StandardCharsets.UTF_8);
    Files.writeString(folder.resolve("qrels/test.tsv"), testQrels, StandardCharsets.UTF_8);
    Files.writeString(folder.resolve("qrels/train.tsv"), "query-id\tcorpus-id\tscore\nq4\td1\t1\n");
    return folder;
  }
}
