package io.lorastream.bench.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;

/**
 * What one closed-loop load run measured.
 *
 * @param requests completed requests (failed ones included)
 * @param failed requests that did not get their vectors
 * @param texts texts embedded by successful requests
 * @param seconds wall time of the run
 * @param latencyNanos latency of every request, any order
 * @param singleNanos latency of single-text requests
 * @param batchNanos latency of batch requests
 */
public record LoadReport(
    long requests,
    long failed,
    long texts,
    double seconds,
    long[] latencyNanos,
    long[] singleNanos,
    long[] batchNanos) {

  /** Several runs as one: counts and times added, latencies pooled. */
  public static LoadReport merge(java.util.List<LoadReport> runs) {
    long requests = 0;
    long failed = 0;
    long texts = 0;
    double seconds = 0;
    java.util.stream.LongStream.Builder all = java.util.stream.LongStream.builder();
    java.util.stream.LongStream.Builder single = java.util.stream.LongStream.builder();
    java.util.stream.LongStream.Builder batch = java.util.stream.LongStream.builder();
    for (LoadReport r : runs) {
      requests += r.requests;
      failed += r.failed;
      texts += r.texts;
      seconds += r.seconds;
      Arrays.stream(r.latencyNanos).forEach(all::add);
      Arrays.stream(r.singleNanos).forEach(single::add);
      Arrays.stream(r.batchNanos).forEach(batch::add);
    }
    return new LoadReport(
        requests,
        failed,
        texts,
        seconds,
        all.build().toArray(),
        single.build().toArray(),
        batch.build().toArray());
  }

  public double requestsPerSecond() {
    return requests / seconds;
  }

  public double textsPerSecond() {
    return texts / seconds;
  }

  /** The q-quantile (nearest rank) in milliseconds; NaN without samples. */
  public static double percentileMillis(long[] nanos, double q) {
    if (nanos.length == 0) {
      return Double.NaN;
    }
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
  }

  public ObjectNode toJson(ObjectMapper json) {
    ObjectNode n = json.createObjectNode();
    n.put("requests", requests);
    n.put("failed_requests", failed);
    n.put("texts", texts);
    n.put("seconds", round(seconds, 3));
    n.put("requests_per_second", round(requestsPerSecond(), 2));
    n.put("texts_per_second", round(textsPerSecond(), 2));
    n.put("latency_p50_ms", round(percentileMillis(latencyNanos, 0.50), 2));
    n.put("latency_p99_ms", round(percentileMillis(latencyNanos, 0.99), 2));
    n.put("single_text_p50_ms", round(percentileMillis(singleNanos, 0.50), 2));
    n.put("single_text_p99_ms", round(percentileMillis(singleNanos, 0.99), 2));
    n.put("batch_p50_ms", round(percentileMillis(batchNanos, 0.50), 2));
    n.put("batch_p99_ms", round(percentileMillis(batchNanos, 0.99), 2));
    return n;
  }

  static double round(double v, int digits) {
    if (!Double.isFinite(v)) {
      return v;
    }
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
}
