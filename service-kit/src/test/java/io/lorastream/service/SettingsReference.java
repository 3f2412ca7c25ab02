package io.lorastream.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings tables of a markdown reference (docs/configuration.md, one table per service): the
 * keys of their first column, so that each service's test can check them against the keys its
 * reader asks for ({@link Settings#asked}).
 */
public final class SettingsReference {
  private static final Pattern TABLE_KEY =
      Pattern.compile("^\\| `([a-z][a-z0-9.<>-]*)` \\|", Pattern.MULTILINE);

  private final String markdown;

  private SettingsReference(String markdown) {
    this.markdown = markdown;
  }

  /**
   * {@code docs/<name>} of the repository, seen from a module's folder (where Maven runs its
   * tests).
   */
  public static SettingsReference docs(String name) throws IOException {
    return new SettingsReference(Files.readString(Path.of("..", "docs", name)));
  }

  public static SettingsReference of(String markdown) {
    return new SettingsReference(markdown);
  }

  /**
   * The first-column keys of the tables from {@code heading} (e.g. {@code ### Trainer settings}) to
   * the next heading of its level or above; a {@code prefix.<x>} row is {@code prefix.*}, as {@link
   * Settings#withPrefix} records it.
   */
  public Set<String> keys(String heading) {
    int start = markdown.indexOf("\n" + heading + "\n");
    if (start < 0) {
      throw new AssertionError("no heading '" + heading + "'");
    }
    int level = heading.indexOf(' ');
    int end = markdown.length();
    for (int n = 1; n <= level; n++) {
      int i = markdown.indexOf("\n" + "#".repeat(n) + " ", start + heading.length() + 1);
      if (i >= 0) {
        end = Math.min(end, i);
      }
    }
    Set<String> keys = new LinkedHashSet<>();
    Matcher m = TABLE_KEY.matcher(markdown.substring(start, end));
    while (m.find()) {
      String key = m.group(1);
      int open = key.indexOf(".<");
      keys.add(open >= 0 ? key.substring(0, open + 1) + "*" : key);
    }
    return keys;
  }
}
