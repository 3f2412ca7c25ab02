package io.lorastream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link of the user docs (README.md, docs/*.md, the module READMEs) points at a file
 * or folder that exists: the README's concept-to-file map names source files, which move when code
 * is reorganised.
 */
class DocsLinksTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)(#[^)]*)?\\)");

  private static List<Path> docs() throws IOException {
    List<Path> files = new ArrayList<>();
    files.add(ROOT.resolve("README.md"));
    try (Stream<Path> s = Files.list(ROOT.resolve("docs"))) {
      s.filter(p -> p.toString().endsWith(".md")).forEach(files::add);
    }
    try (Stream<Path> s = Files.list(ROOT)) {
      s.map(d -> d.resolve("README.md")).filter(Files::isRegularFile).forEach(files::add);
    }
    return files;
  }

  @Test
  void everyRelativeLinkOfTheDocsResolves() throws IOException {
    List<String> broken = new ArrayList<>();
    int checked = 0;
    for (Path doc : docs()) {
      Matcher m = LINK.matcher(Files.readString(doc));
      while (m.find()) {
        String target = m.group(1);
        if (target.matches("^[a-z]+:.*")) {
          continue; // http:, https:, mailto:
        }
        checked++;
        if (!Files.exists(doc.getParent().resolve(target).normalize())) {
          broken.add(ROOT.relativize(doc) + " -> " + target);
        }
      }
    }
    assertThat(checked).as("links checked").isGreaterThan(50);
    assertThat(broken).as("links to missing files").isEmpty();
  }
}
