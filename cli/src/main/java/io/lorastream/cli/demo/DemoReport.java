package io.lorastream.cli.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The demo's summary table and its HTML report with a chart of test nDCG@10 over time and versions.
 */
final class DemoReport {

  /** One evaluation of a served version, {@code seconds} after the demo started. */
  record Point(double seconds, String version, double ndcgAt10, double recallAt100) {}

  private DemoReport() {}

  static void printTable(
      PrintStream out,
      List<Point> points,
      long events,
      long pairs,
      long steps,
      long accepted,
      long rejected) {
    out.println();
    out.println("lorastream demo: test split, served model by version");
    out.println("  time      version                 nDCG@10   Recall@100");
    for (Point p : points) {
      out.printf(
          Locale.ROOT,
          "  %6.0fs   %-22s  %.4f    %.4f%n",
          p.seconds(),
          p.version(),
          p.ndcgAt10(),
          p.recallAt100());
    }
    out.printf(
        Locale.ROOT,
        "  events %,d  pairs %,d  training steps %,d  gate %d accepted / %d rejected%n",
        events,
        pairs,
        steps,
        accepted,
        rejected);
  }

  static void writeHtml(Path file, List<Point> points, String title, String summary)
      throws IOException {
    StringBuilder html = new StringBuilder();
    html.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>")
        .append(escape(title))
        .append("</title>")
        .append(
            "<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse}")
        .append(
            "td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}th{background:#f3f3f3}</style></head><body>")
        .append("<h1>")
        .append(escape(title))
        .append("</h1><p>")
        .append(escape(summary))
        .append("</p>")
        .append(chart(points))
        .append(
            "<h2>Versions</h2><table><tr><th>time (s)</th><th>version</th><th>nDCG@10</th><th>Recall@100</th></tr>");
    for (Point p : points) {
      html.append(
          String.format(
              Locale.ROOT,
              "<tr><td>%.0f</td><td>%s</td><td>%.4f</td><td>%.4f</td></tr>",
              p.seconds(),
              escape(p.version()),
              p.ndcgAt10(),
              p.recallAt100()));
    }
    html.append("</table></body></html>\n");
    Files.writeString(file, html, StandardCharsets.UTF_8);
  }

  /** An inline SVG line chart: nDCG@10 against time, one labelled dot per version. */
  static String chart(List<Point> points) {
    int width = 760;
    int height = 320;
    int left = 60;
    int right = 20;
    int top = 20;
    int bottom = 40;
    double maxT = Math.max(1, points.stream().mapToDouble(Point::seconds).max().orElse(1));
    double minY = points.stream().mapToDouble(Point::ndcgAt10).min().orElse(0) - 0.01;
    double maxY = points.stream().mapToDouble(Point::ndcgAt10).max().orElse(1) + 0.01;
    StringBuilder svg = new StringBuilder();
    svg.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\">",
            width,
            height));
    svg.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>",
            left,
            height - bottom,
            width - right,
            height - bottom));
    svg.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>",
            left,
            top,
            left,
            height - bottom));
    for (int i = 0; i <= 4; i++) {
      double y = minY + (maxY - minY) * i / 4;
      double py = height - bottom - (height - top - bottom) * i / 4.0;
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%.3f</text>",
              left - 6,
              py + 4,
              y));
    }
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">seconds since start</text>",
            (left + width - right) / 2,
            height - 8));
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"14\" y=\"%d\" font-size=\"12\" transform=\"rotate(-90 14 %d)\" text-anchor=\"middle\">test nDCG@10</text>",
            height / 2,
            height / 2));
    StringBuilder path = new StringBuilder();
    for (Point p : points) {
      double x = left + (width - left - right) * p.seconds() / maxT;
      double y = height - bottom - (height - top - bottom) * (p.ndcgAt10() - minY) / (maxY - minY);
      path.append(path.length() == 0 ? "M" : " L")
          .append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
      svg.append(
          String.format(
              Locale.ROOT,
              "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#1f77b4\"><title>%s: %.4f</title></circle>",
              x,
              y,
              escape(p.version()),
              p.ndcgAt10()));
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"middle\">%s</text>",
              x,
              y - 8,
              escape(
                  p.version().contains("@")
                      ? "v" + p.version().substring(p.version().indexOf('@') + 1)
                      : p.version())));
    }
    svg.append("<path d=\"")
        .append(path)
        .append("\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\"/>");
    return svg.append("</svg>").toString();
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
