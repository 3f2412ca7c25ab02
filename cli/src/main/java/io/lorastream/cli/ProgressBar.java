package io.lorastream.cli;

import java.io.PrintStream;

/** A one-line progress bar on stderr, redrawn at most every 200 ms; stdout stays the command's. */
final class ProgressBar {

  private final PrintStream err;
  private final String label;
  private final long startNanos = System.nanoTime();
  private long lastDraw;

  ProgressBar(PrintStream err, String label) {
    this.err = err;
    this.label = label;
  }

  synchronized void update(long done, long total) {
    long now = System.nanoTime();
    if (done < total && now - lastDraw < 200_000_000L) {
      return;
    }
    lastDraw = now;
    int width = 30;
    int filled = total == 0 ? width : (int) (width * done / total);
    double seconds = (now - startNanos) / 1e9;
    err.printf(
        "\r%s [%s%s] %d/%d %.0fs",
        label, "#".repeat(filled), " ".repeat(width - filled), done, total, seconds);
    if (done >= total) {
      err.println();
    }
    err.flush();
  }
}
