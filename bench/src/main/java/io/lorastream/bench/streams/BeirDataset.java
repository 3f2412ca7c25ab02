package io.lorastream.bench.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of a BEIR-format dataset that feedback simulation needs: corpus.jsonl ({@code _id}, {@code title}, {@code
 * text}), queries.jsonl ({@code _id}, {@code text}) and one qrels split (tab-separated, with a header line).
 *
 * @param relevant query id to its relevant doc ids (score > 0), for queries and docs present in the files
 */
public record BeirDataset(List<Doc> corpus, Map<String, String> queries, Map<String, List<String>> relevant) {

  public record Doc(String id, String title, String text) {}

  public static BeirDataset load(Path dir, String split) {
    Path corpusFile = dir.resolve("corpus.jsonl");
    Path queriesFile = dir.resolve("queries.jsonl");
    Path qrelsFile = dir.resolve("qrels").resolve(split + ".tsv");
    for (Path f : List.of(corpusFile, queriesFile, qrelsFile)) {
      if (!Files.isRegularFile(f)) {
        throw new IllegalArgumentException(
            f + " is missing: " + dir + " is not a BEIR-format dataset (corpus.jsonl, queries.jsonl, qrels/"
                + split + ".tsv); pass e.g. ../shared/datasets/scifact");
      }
    }
    ObjectMapper json = new ObjectMapper();
    List<Doc> corpus = new ArrayList<>();
    Map<String, Doc> byId = new LinkedHashMap<>();
    Map<String, String> queries = new LinkedHashMap<>();
    Map<String, List<String>> relevant = new LinkedHashMap<>();
    try {
      try (BufferedReader r = Files.newBufferedReader(corpusFile)) {
        for (String line; (line = r.readLine()) != null; ) {
          if (!line.isBlank()) {
            JsonNode n = json.readTree(line);
            Doc d = new Doc(n.path("_id").asText(), n.path("title").asText(""), n.path("text").asText(""));
            corpus.add(d);
            byId.put(d.id(), d);
          }
        }
      }
      try (BufferedReader r = Files.newBufferedReader(queriesFile)) {
        for (String line; (line = r.readLine()) != null; ) {
          if (!line.isBlank()) {
            JsonNode n = json.readTree(line);
            queries.put(n.path("_id").asText(), n.path("text").asText());
          }
        }
      }
      try (BufferedReader r = Files.newBufferedReader(qrelsFile)) {
        r.readLine(); // header
        for (String line; (line = r.readLine()) != null; ) {
          String[] f = line.split("\t");
          if (f.length >= 3 && Integer.parseInt(f[2].trim()) > 0 && queries.containsKey(f[0]) && byId.containsKey(f[1])) {
            relevant.computeIfAbsent(f[0], q -> new ArrayList<>()).add(f[1]);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read BEIR dataset " + dir, e);
    }
    return new BeirDataset(List.copyOf(corpus), Map.copyOf(queries), Map.copyOf(relevant));
  }
}
