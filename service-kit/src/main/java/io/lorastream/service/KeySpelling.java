package io.lorastream.service;

import java.util.Collection;

/**
 * The one key dialect: kebab-case ({@code metrics-port}); what an old spelling is now, and the
 * nearest known key.
 */
final class KeySpelling {
  private KeySpelling() {}

  /** {@code metrics_port} and {@code metricsPort} are {@code metrics-port}; dots stay. */
  static String kebab(String key) {
    StringBuilder out = new StringBuilder(key.length() + 4);
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == '_') {
        out.append('-');
      } else if (Character.isUpperCase(c)) {
        char before = i > 0 ? key.charAt(i - 1) : '.';
        if (Character.isLowerCase(before) || Character.isDigit(before)) {
          out.append('-');
        }
        out.append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * The known key closest to {@code key} in edits ({@code prefix*} entries shown as {@code
   * prefix<name>}).
   */
  static String nearest(String key, Collection<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      String shown = k.endsWith("*") ? k.substring(0, k.length() - 1) + "<name>" : k;
      int d = distance(kebab(key), k.endsWith("*") ? k.substring(0, k.length() - 1) : k);
      if (d < bestDistance) {
        best = shown;
        bestDistance = d;
      }
    }
    return best == null ? "(none)" : best;
  }

  /** Levenshtein distance. */
  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
