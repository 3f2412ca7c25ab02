package io.lorastream.model.eval;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses BEIR's {@code qrels/{split}.tsv}: a header line, then {@code query-id \t corpus-id \t
 * score}.
 */
final class QrelsReader {
  private static final String EXPECTED =
      "expected 3 tab-separated columns query-id, corpus-id, integer score";

  private QrelsReader() {}

  static Qrels read(Path file, String split) {
    Map<String, Map<String, Integer>> scores = new LinkedHashMap<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      long lineNo = 0;
      boolean first = true;
      while ((line = reader.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        String[] cols = line.split("\t", -1);
        if (first) {
          first = false;
          // BEIR always skips line 1; skip it only if it really is a header, so no judgment is lost
          if (cols.length == 3 && !isInteger(cols[2])) {
            continue;
          }
        }
        if (cols.length != 3) {
          throw DatasetException.at(
              file, lineNo, "found " + cols.length + " column(s) in '" + line + "'; " + EXPECTED);
        }
        if (cols[0].isEmpty() || cols[1].isEmpty()) {
          throw DatasetException.at(
              file, lineNo, "empty query-id or corpus-id in '" + line + "'; " + EXPECTED);
        }
        if (!isInteger(cols[2])) {
          throw DatasetException.at(
              file, lineNo, "score '" + cols[2] + "' is not an integer; " + EXPECTED);
        }
        // a repeated pair keeps the last score, as BEIR's GenericDataLoader does
        scores
            .computeIfAbsent(cols[0], q -> new LinkedHashMap<>())
            .put(cols[1], Integer.parseInt(cols[2].trim()));
      }
    } catch (CharacterCodingException e) {
      throw new DatasetException(file + " is not valid UTF-8: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new DatasetException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (scores.isEmpty()) {
      throw new DatasetException(
          file + " holds no judgments; " + EXPECTED + " after a header line");
    }
    return new Qrels(split, scores);
  }

  private static boolean isInteger(String s) {
    try {
      Integer.parseInt(s.trim());
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
