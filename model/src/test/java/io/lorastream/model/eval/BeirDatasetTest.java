package io.lorastream.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BeirDatasetTest {
  @TempDir Path tmp;

  @Test
  void recordsAreKeyedByIdInFileOrder() throws Exception {
    BeirDataset ds = BeirDataset.load(TinyBeir.write(tmp));
    assertThat(ds.corpus().keySet()).containsExactly("d1", "d2", "d3", "d4");
    assertThat(ds.corpus().get("d3"))
        .isEqualTo(new BeirDocument("d3", "Fruit", "apple and banana"));
    assertThat(ds.queries().get("q2")).isEqualTo(new BeirQuery("q2", "banana cherry"));
    assertThat(ds.splits()).containsExactly("test", "train");
    assertThat(ds.qrels("test").scores().get("q2"))
        .containsExactly(Map.entry("d2", 1), Map.entry("d4", 2));
  }

  @Test
  void documentTextIsTitleSpaceTextEvenWithoutATitle() throws Exception {
    BeirDataset ds = BeirDataset.load(TinyBeir.write(tmp));
    assertThat(ds.corpus().get("d1").embeddingText()).isEqualTo("Apple pie");
    assertThat(ds.corpus().get("d2").embeddingText()).isEqualTo(" banana bread"); // empty title
    assertThat(ds.corpus().get("d4").embeddingText()).isEqualTo(" cherry"); // no title field
  }

  @Test
  void onlyQueriesWithAPositiveJudgmentAreEvaluatedInQueriesFileOrder() throws Exception {
    BeirDataset ds = BeirDataset.load(TinyBeir.write(tmp));
    Map<String, Set<String>> rel = ds.relevantDocs(ds.qrels("test"));
    // q4 is judged only in train; q5's single judgment has score 0
    assertThat(rel.keySet()).containsExactly("q1", "q2", "q3");
    assertThat(rel.get("q2")).containsExactlyInAnyOrder("d2", "d4");
  }

  @Test
  void corpusHashIsTheSha256OfTheFileBytes() throws Exception {
    Path folder = TinyBeir.write(tmp);
    byte[] bytes = Files.readAllBytes(folder.resolve("corpus.jsonl"));
    String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    assertThat(BeirDataset.load(folder).corpusSha256()).isEqualTo(expected);
  }

  @Test
  void aMissingFolderIsNamedWithTheExpectedLayout() {
    assertThatThrownBy(() -> BeirDataset.load(tmp.resolve("nope")))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("nope")
        .hasMessageContaining("corpus.jsonl, queries.jsonl and qrels/{split}.tsv");
  }

  @Test
  void aMissingQueriesFileIsNamed() throws Exception {
    Files.delete(TinyBeir.write(tmp).resolve("queries.jsonl"));
    assertThatThrownBy(() -> BeirDataset.load(tmp))
        .hasMessageContaining("missing " + tmp.resolve("queries.jsonl"));
  }

  @Test
  void aBadJsonLineIsReportedWithFileAndLineNumber() throws Exception {
    TinyBeir.write(
        tmp,
        "{\"_id\": \"d1\", \"text\": \"ok\"}\n{\"_id\": \"d2\", \"text\": \n",
        "",
        "h\th\th\nq\td1\t1\n");
    assertThatThrownBy(() -> BeirDataset.load(tmp))
        .hasMessageStartingWith(tmp.resolve("corpus.jsonl") + ":2: not valid JSON");
  }

  @Test
  void aRecordWithoutTextOrIdIsReportedWithItsLine() throws Exception {
    TinyBeir.write(
        tmp,
        "{\"_id\": \"d1\", \"text\": \"ok\"}\n\n{\"_id\": \"d2\", \"title\": \"t\"}\n",
        "",
        "x");
    assertThatThrownBy(() -> BeirDataset.load(tmp))
        .hasMessageContaining("corpus.jsonl:3: expected a string \"text\"");
    TinyBeir.write(tmp, "{\"_id\": \"d1\", \"text\": \"ok\"}\n", "{\"text\": \"no id\"}\n", "x");
    assertThatThrownBy(() -> BeirDataset.load(tmp))
        .hasMessageContaining("queries.jsonl:1: expected a non-empty string \"_id\"");
  }

  @Test
  void aRepeatedIdIsRejected() throws Exception {
    TinyBeir.write(
        tmp, "{\"_id\": \"d1\", \"text\": \"a\"}\n{\"_id\": \"d1\", \"text\": \"b\"}\n", "", "x");
    assertThatThrownBy(() -> BeirDataset.load(tmp))
        .hasMessageContaining("corpus.jsonl:2: _id 'd1' appears twice");
  }

  @Test
  void aQrelsLineWithABadScoreIsReportedWithItsLine() throws Exception {
    TinyBeir.write(tmp);
    Files.writeString(
        tmp.resolve("qrels/test.tsv"), "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\thigh\n");
    BeirDataset ds = BeirDataset.load(tmp);
    assertThatThrownBy(() -> ds.qrels("test"))
        .hasMessageContaining("qrels/test.tsv:3: score 'high' is not an integer");
  }

  @Test
  void aQrelsLineWithTheWrongColumnsIsReported() throws Exception {
    TinyBeir.write(tmp);
    Files.writeString(tmp.resolve("qrels/test.tsv"), "query-id\tcorpus-id\tscore\nq1 d1 1\n");
    BeirDataset ds = BeirDataset.load(tmp);
    assertThatThrownBy(() -> ds.qrels("test"))
        .hasMessageContaining("test.tsv:2: found 1 column(s)")
        .hasMessageContaining("3 tab-separated columns");
  }

  @Test
  void qrelsWithoutAHeaderKeepTheirFirstJudgment() throws Exception {
    TinyBeir.write(tmp);
    Files.writeString(tmp.resolve("qrels/test.tsv"), "q1\td1\t1\nq2\td2\t1\n");
    assertThat(BeirDataset.load(tmp).qrels("test").judgmentCount()).isEqualTo(2);
  }

  @Test
  void anUnknownSplitNamesTheSplitsThatExist() throws Exception {
    BeirDataset ds = BeirDataset.load(TinyBeir.write(tmp));
    assertThatThrownBy(() -> ds.qrels("dev"))
        .hasMessageContaining("split 'dev'")
        .hasMessageContaining("[test, train]");
    assertThatThrownBy(() -> ds.qrels("../x")).hasMessageContaining("plain name");
  }
}
