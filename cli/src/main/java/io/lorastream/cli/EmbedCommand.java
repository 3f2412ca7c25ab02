package io.lorastream.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lorastream.model.AdaptedEmbedder;
import io.lorastream.model.Embedder;
import io.lorastream.model.EncoderStack;
import io.lorastream.model.InputType;
import io.lorastream.model.adapter.AdaptationMode;
import io.lorastream.model.adapter.LoadedAdapter;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Reads one JSON string per line on stdin and writes one JSON array (the embedding) per line on
 * stdout, nothing else. Lines are embedded in chunks so long inputs stream.
 */
@Command(
    name = "embed",
    mixinStandardHelpOptions = true,
    description = {
      "Embed texts: one JSON string per line on stdin, one JSON array per line on stdout.",
      "Example: echo '\"myocardial infarction\"' | ./lorastream embed"
    })
final class EmbedCommand implements Callable<Integer> {

  private static final int CHUNK = 64;

  @Mixin ModelOptions modelOptions;

  @Option(
      names = "--adapter",
      paramLabel = "DIR",
      description = "A LoRA adapter folder (PEFT layout) to apply.")
  Path adapter;

  @Option(
      names = "--input-type",
      defaultValue = "document",
      paramLabel = "query|document",
      description =
          "Side of retrieval; with a query-mode adapter only queries are adapted. Default: ${DEFAULT-VALUE}.")
  String inputType;

  @Override
  public Integer call() throws Exception {
    InputType type = InputType.parse(inputType);
    ObjectMapper json = new ObjectMapper();
    PrintStream err = System.err;
    try (EncoderStack stack = modelOptions.open();
        AdaptedEmbedder adapted = adapter == null ? null : open(stack, adapter)) {
      Embedder embedder = adapted != null ? adapted : stack.baseEmbedder();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      BufferedWriter out =
          new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
      List<String> chunk = new ArrayList<>(CHUNK);
      long lineNumber = 0;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lineNumber++;
        String text = parse(json, line);
        if (text == null) {
          flush(embedder, type, chunk, json, out);
          err.printf(
              "lorastream embed: stdin line %d is not a JSON string (got %s); write each text as a JSON string,"
                  + " e.g. \"heart attack\"%n",
              lineNumber, abbreviate(line));
          return 1;
        }
        chunk.add(text);
        if (chunk.size() == CHUNK) {
          flush(embedder, type, chunk, json, out);
        }
      }
      flush(embedder, type, chunk, json, out);
      long truncated = stack.tokenizer().truncatedTexts();
      if (truncated > 0) {
        err.printf(
            "lorastream embed: %d text(s) were longer than %d tokens and were truncated%n",
            truncated, stack.tokenizer().maxLength());
      }
      return 0;
    }
  }

  static AdaptedEmbedder open(EncoderStack stack, Path dir) throws java.io.IOException {
    LoadedAdapter loaded = stack.loadAdapter(dir);
    AdaptationMode mode = loaded.modeOrBoth();
    return stack.withAdapter(loaded.weights(), mode);
  }

  private static void flush(
      Embedder embedder, InputType type, List<String> chunk, ObjectMapper json, BufferedWriter out)
      throws java.io.IOException {
    if (chunk.isEmpty()) {
      return;
    }
    for (float[] vector : embedder.embed(chunk, type)) {
      out.write(json.writeValueAsString(vector));
      out.newLine();
    }
    out.flush();
    chunk.clear();
  }

  private static String parse(ObjectMapper json, String line) {
    try {
      JsonNode node = json.readTree(line);
      return node != null && node.isTextual() ? node.asText() : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? "'" + s + "'" : "'" + s.substring(0, 57) + "...'";
  }
}
