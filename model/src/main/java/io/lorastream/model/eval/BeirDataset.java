package io.lorastream.model.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A retrieval set in BEIR's layout: {@code corpus.jsonl} ({@code {"_id", "title", "text"}} per
 * line), {@code queries.jsonl} ({@code {"_id", "text"}}) and {@code qrels/{split}.tsv}
 * (tab-separated {@code query-id corpus-id score} after a header line).
 *
 * <p>Corpus and queries are read at {@link #load}; a split's qrels when asked for. Maps keep file
 * order.
 *
 * @param folder the folder read
 * @param corpus documents by id, in file order
 * @param queries queries by id, in file order (all splits together, as BEIR ships them)
 * @param corpusSha256 hex sha256 of corpus.jsonl's bytes: identifies the corpus for the embedding
 *     cache
 */
public record BeirDataset(
    Path folder,
    Map<String, BeirDocument> corpus,
    Map<String, BeirQuery> queries,
    String corpusSha256) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SPLIT_NAME = Pattern.compile("[A-Za-z0-9._-]+");
  private static final String LAYOUT =
      "a BEIR folder holds corpus.jsonl, queries.jsonl and qrels/{split}.tsv";

  public BeirDataset {
    corpus = Collections.unmodifiableMap(corpus);
    queries = Collections.unmodifiableMap(queries);
  }

  /**
   * Reads corpus.jsonl and queries.jsonl.
   *
   * @throws DatasetException naming the file (and line) that is missing or malformed
   */
  public static BeirDataset load(Path folder) {
    if (!Files.isDirectory(folder)) {
      throw new DatasetException(
          "BEIR folder " + folder + " does not exist or is not a folder; " + LAYOUT);
    }
    Path corpusFile = requireFile(folder.resolve("corpus.jsonl"));
    Path queriesFile = requireFile(folder.resolve("queries.jsonl"));
    Map<String, BeirDocument> corpus = new LinkedHashMap<>();
    String sha =
        readJsonLines(
            corpusFile,
            corpus,
            (node, line) ->
                new BeirDocument(
                    id(node, corpusFile, line),
                    optionalText(node, "title", corpusFile, line),
                    requiredText(node, "text", corpusFile, line)));
    Map<String, BeirQuery> queries = new LinkedHashMap<>();
    readJsonLines(
        queriesFile,
        queries,
        (node, line) ->
            new BeirQuery(
                id(node, queriesFile, line), requiredText(node, "text", queriesFile, line)));
    if (corpus.isEmpty()) {
      throw new DatasetException(
          corpusFile + " holds no documents; expected one JSON object per line");
    }
    return new BeirDataset(folder, corpus, queries, sha);
  }

  /** The split names that have a {@code qrels/{split}.tsv}, sorted. */
  public List<String> splits() {
    Path dir = folder.resolve("qrels");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".tsv"))
          .map(n -> n.substring(0, n.length() - 4))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new DatasetException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads {@code qrels/{split}.tsv}.
   *
   * @throws DatasetException if the file is missing (naming the splits that exist) or a line is
   *     malformed
   */
  public Qrels qrels(String split) {
    if (split == null || !SPLIT_NAME.matcher(split).matches()) {
      throw new DatasetException(
          "split name '" + split + "' must be a plain name such as test or train");
    }
    Path file = folder.resolve("qrels").resolve(split + ".tsv");
    if (!Files.isRegularFile(file)) {
      throw new DatasetException(
          "split '"
              + split
              + "' has no qrels file "
              + file
              + "; splits available: "
              + splits()
              + " ("
              + LAYOUT
              + ")");
    }
    return QrelsReader.read(file, split);
  }

  /**
   * The queries ST's evaluator would score on a split: those in queries.jsonl with at least one
   * relevant document in the split, in queries.jsonl order. ST drops queries without relevant
   * documents, since recall and nDCG are undefined for them; so does this. Qrels rows for query ids
   * that queries.jsonl lacks are ignored too (ST iterates over the queries).
   *
   * @return query id -> relevant document ids
   */
  public Map<String, Set<String>> relevantDocs(Qrels qrels) {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    for (String q : queries.keySet()) {
      Set<String> rel = qrels.relevant(q);
      if (!rel.isEmpty()) {
        out.put(q, rel);
      }
    }
    return out;
  }

  /** Query ids judged in {@code qrels} that queries.jsonl does not have. */
  public List<String> unknownQueryIds(Qrels qrels) {
    List<String> out = new ArrayList<>();
    for (String q : qrels.scores().keySet()) {
      if (!queries.containsKey(q)) {
        out.add(q);
      }
    }
    return out;
  }

  private static Path requireFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new DatasetException("missing " + file + "; " + LAYOUT);
    }
    return file;
  }

  /** Reads one JSON object per line into {@code out} by id; returns the file's hex sha256. */
  private static <T> String readJsonLines(
      Path file, Map<String, T> out, BiFunction<JsonNode, Long, T> parse) {
    MessageDigest sha = sha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha);
        BufferedReader reader =
            new BufferedReader(
                new InputStreamReader(
                    in,
                    StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)))) {
      String line;
      long lineNo = 0;
      while ((line = reader.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        JsonNode node;
        try {
          node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
          throw DatasetException.at(
              file,
              lineNo,
              "not valid JSON (" + e.getOriginalMessage() + "); expected one JSON object per line");
        }
        if (node == null || !node.isObject()) {
          throw DatasetException.at(file, lineNo, "expected a JSON object, got " + line);
        }
        T record = parse.apply(node, lineNo);
        String id = node.get("_id").asText();
        if (out.putIfAbsent(id, record) != null) {
          throw DatasetException.at(
              file, lineNo, "_id '" + id + "' appears twice; ids must be unique");
        }
      }
    } catch (CharacterCodingException e) {
      throw new DatasetException(file + " is not valid UTF-8: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new DatasetException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static String id(JsonNode node, Path file, long line) {
    JsonNode id = node.get("_id");
    if (id == null || !(id.isTextual() || id.isIntegralNumber()) || id.asText().isEmpty()) {
      throw DatasetException.at(file, line, "expected a non-empty string \"_id\", got " + id);
    }
    return id.asText();
  }

  private static String requiredText(JsonNode node, String field, Path file, long line) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw DatasetException.at(file, line, "expected a string \"" + field + "\", got " + v);
    }
    return v.asText();
  }

  private static String optionalText(JsonNode node, String field, Path file, long line) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return "";
    }
    if (!v.isTextual()) {
      throw DatasetException.at(file, line, "expected \"" + field + "\" to be a string, got " + v);
    }
    return v.asText();
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM lacks SHA-256", e);
    }
  }
}
