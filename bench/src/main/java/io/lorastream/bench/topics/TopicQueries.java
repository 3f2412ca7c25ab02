package io.lorastream.bench.topics;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lorastream.model.eval.BeirDataset;
import io.lorastream.model.eval.BeirDocument;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A multi-positive retrieval set built from a BEIR corpus: short topical queries (one to three
 * words taken from titles, or two-word phrases frequent in abstracts) whose relevant documents are
 * the ones about that topic, graded 2 when the title names it and 1 when the abstract names it at
 * least twice; a query keeps from 8 to 150 relevant documents. On SciFact's corpus: about 800
 * queries with 23 relevant documents each on average, many documents relevant to several queries,
 * much as in a medical set of lay queries against abstracts. 20% of the queries (by a hash of their
 * text) form the test split. The corpus is not copied: {@code corpus.jsonl} is a symbolic link.
 */
public final class TopicQueries {

  private static final Pattern WORD = Pattern.compile("[a-z][a-z0-9\\-]+");
  private static final Set<String> STOP =
      Set.of(
          ("a an the of in on for to and or with by from at as is are was were be been being that this these those its it"
                  + " into than then via not no between during after before under over within without among about against"
                  + " through their our we which who whom whose what when where how why both each other such can may might also"
                  + " more most less new novel using use used based study studies analysis role effect effects associated"
                  + " association patients patient human humans cell cells mice mouse model models data results result evidence"
                  + " high low increased decreased expression two one three first review case report")
              .split(" "));

  /**
   * Verbs and words too general to be a topic, left out of queries (not out of title phrases'
   * counts).
   */
  private static final Set<String> NOT_TOPICS =
      Set.of(
          ("impairs modulates attenuates enhances regulates promotes induces reduces mediates controls requires reveals"
                  + " determines improves inhibits increases suppresses drives limits affects causes prevents activates"
                  + " systematic lessons american relation elimination variant patterning restriction")
              .split(" "));

  /** The set's size, for the command's JSON line. */
  public record Summary(int trainQueries, int testQueries, double meanRelevant, int documents) {}

  private TopicQueries() {}

  public static Summary write(BeirDataset source, Path out) throws IOException {
    Map<String, String> titles = new LinkedHashMap<>();
    Map<String, String> texts = new LinkedHashMap<>();
    Map<String, Integer> titleGrams = new HashMap<>();
    Map<String, Integer> textDf = new HashMap<>();
    Map<String, Integer> textGrams = new HashMap<>();
    for (BeirDocument d : source.corpus().values()) {
      List<String> t = words(d.title());
      List<String> x = words(d.text());
      titles.put(d.id(), " " + String.join(" ", t) + " ");
      texts.put(d.id(), " " + String.join(" ", x) + " ");
      for (String g : grams(t, 3, STOP, 4)) {
        titleGrams.merge(g, 1, Integer::sum);
      }
      for (String w : new HashSet<>(x)) {
        textDf.merge(w, 1, Integer::sum);
      }
      for (String g : grams(x, 2, allStop(), 0)) {
        textGrams.merge(g, 1, Integer::sum);
      }
    }
    Set<String> candidates = new HashSet<>();
    titleGrams.forEach(
        (g, c) -> {
          if (c >= 5 && c <= 150 && topical(g, titleGrams, textDf)) {
            candidates.add(g);
          }
        });
    textGrams.forEach(
        (g, c) -> {
          if (g.indexOf(' ') > 0
              && c >= 15
              && c <= 150
              && topical(g, titleGrams, textDf)
              && !g.matches(".*\\d.*")) {
            candidates.add(g);
          }
        });
    TreeMap<String, Map<String, Integer>> qrels = new TreeMap<>();
    for (String g : candidates) {
      String pattern = " " + g + " ";
      Map<String, Integer> relevant = new LinkedHashMap<>();
      int graded2 = 0;
      for (String id : titles.keySet()) {
        if (titles.get(id).contains(pattern)) {
          relevant.put(id, 2);
          graded2++;
        } else if (occurrences(texts.get(id), pattern) >= 2) {
          relevant.put(id, 1);
        }
      }
      if (relevant.size() >= 8 && relevant.size() <= 150 && graded2 >= 2) {
        qrels.put(g, relevant);
      }
    }
    Files.createDirectories(out.resolve("qrels"));
    Path corpus = out.resolve("corpus.jsonl");
    Files.deleteIfExists(corpus);
    Files.createSymbolicLink(corpus, source.folder().resolve("corpus.jsonl").toAbsolutePath());
    ObjectMapper json = new ObjectMapper();
    int train = 0;
    int test = 0;
    long judgments = 0;
    try (Writer queries =
            Files.newBufferedWriter(out.resolve("queries.jsonl"), StandardCharsets.UTF_8);
        Writer trainQrels =
            Files.newBufferedWriter(out.resolve("qrels/train.tsv"), StandardCharsets.UTF_8);
        Writer testQrels =
            Files.newBufferedWriter(out.resolve("qrels/test.tsv"), StandardCharsets.UTF_8)) {
      trainQrels.write("query-id\tcorpus-id\tscore\n");
      testQrels.write("query-id\tcorpus-id\tscore\n");
      for (Map.Entry<String, Map<String, Integer>> e : qrels.entrySet()) {
        byte[] h = sha256(e.getKey());
        String id =
            "topic-" + String.format(Locale.ROOT, "%02x%02x%02x%02x", h[0], h[1], h[2], h[3]);
        boolean isTest = (h[4] & 0xff) < 51; // 51 / 256 = 20%
        queries.write(json.writeValueAsString(Map.of("_id", id, "text", e.getKey())) + "\n");
        Writer w = isTest ? testQrels : trainQrels;
        for (Map.Entry<String, Integer> r : e.getValue().entrySet()) {
          w.write(id + "\t" + r.getKey() + "\t" + r.getValue() + "\n");
        }
        judgments += e.getValue().size();
        if (isTest) {
          test++;
        } else {
          train++;
        }
      }
    }
    return new Summary(
        train, test, qrels.isEmpty() ? 0 : (double) judgments / qrels.size(), titles.size());
  }

  private static Set<String> allStop() {
    Set<String> s = new HashSet<>(STOP);
    s.addAll(NOT_TOPICS);
    return s;
  }

  private static boolean topical(
      String g, Map<String, Integer> titleGrams, Map<String, Integer> textDf) {
    String[] ws = g.split(" ");
    for (String w : ws) {
      if (STOP.contains(w) || NOT_TOPICS.contains(w)) {
        return false;
      }
    }
    if (ws.length >= 2) {
      return true;
    }
    // a single word is a topic when it is long and titles name it often relative to abstracts
    return ws[0].length() >= 6
        && titleGrams.getOrDefault(g, 0) / (double) Math.max(1, textDf.getOrDefault(ws[0], 0))
            >= 0.2;
  }

  private static List<String> words(String s) {
    List<String> out = new ArrayList<>();
    Matcher m = WORD.matcher(s.toLowerCase(Locale.ROOT));
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  /**
   * Distinct n-grams (n = 1..maxN) that neither start nor end with a stop word; single words of
   * minLength or more.
   */
  private static Set<String> grams(List<String> words, int maxN, Set<String> stop, int minLength) {
    Set<String> out = new HashSet<>();
    for (int n = 1; n <= maxN; n++) {
      for (int i = 0; i + n <= words.size(); i++) {
        String first = words.get(i);
        String last = words.get(i + n - 1);
        if (stop.contains(first) || stop.contains(last) || (n == 1 && first.length() < minLength)) {
          continue;
        }
        out.add(String.join(" ", words.subList(i, i + n)));
      }
    }
    return out;
  }

  private static int occurrences(String text, String pattern) {
    int n = 0;
    for (int i = text.indexOf(pattern);
        i >= 0;
        i = text.indexOf(pattern, i + pattern.length() - 1)) {
      n++;
    }
    return n;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }
}
