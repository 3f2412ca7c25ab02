package io.lorastream.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The server's meters, all named {@code lorastream.server.*} (Prometheus: {@code
 * lorastream_server_*}). Tag values come from small fixed sets or from adapter names, which only
 * verified records put in the catalog and max-adapters caps, never from request input: an unknown
 * model in a request is tagged {@code unknown}.
 *
 * <pre>
 * lorastream.server.request.latency{model}           timer, histogram: /v1/embeddings, arrival to response
 * lorastream.server.responses{endpoint,status}       counter: every HTTP answer by status code
 * lorastream.server.batch.size                       summary, histogram: texts per forward pass
 * lorastream.server.queue.depth                      gauge: texts waiting for a forward pass
 * lorastream.server.requests.admitted                gauge: requests being read, parsed and tokenized now
 * lorastream.server.texts.truncated                  counter: texts cut to max-length
 * lorastream.server.adapter.version{adapter}         gauge: the version '<adapter>' requests get now
 * lorastream.server.adapter.pinned{adapter}          gauge: 1 while the adapter is pinned
 * lorastream.server.adapter.activation.latency{adapter} timer: record publication to swapped in
 * lorastream.server.adapter.swap.latency{adapter}    timer: record publication to the first response with it
 * lorastream.server.adapters.refused{reason}         counter: records refused (signature, checksum, ...)
 * lorastream.server.adapters.kafka.reachable         gauge: 1 while the adapter watcher reaches Kafka, else 0
 * </pre>
 */
public final class ServerMetrics {

  private final MeterRegistry registry;
  private final PrometheusMeterRegistry prometheus;
  private final Map<String, Timer> latencyByModel = new ConcurrentHashMap<>();
  private final Map<String, Counter> responses = new ConcurrentHashMap<>();
  private final Map<String, Gauge[]> adapterGauges = new ConcurrentHashMap<>();
  private final DistributionSummary batchSize;
  private final Counter truncated;

  /** A fresh Prometheus registry with JVM metrics. */
  public static ServerMetrics prometheus() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    return new ServerMetrics(registry);
  }

  public ServerMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.prometheus = registry instanceof PrometheusMeterRegistry p ? p : null;
    this.batchSize =
        DistributionSummary.builder("lorastream.server.batch.size")
            .description("texts per forward pass")
            .baseUnit("texts")
            .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128)
            .register(registry);
    this.truncated =
        Counter.builder("lorastream.server.texts.truncated")
            .description("texts cut to the max length")
            .register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition, or null when this is not a Prometheus registry. */
  public String scrape() {
    return prometheus == null ? null : prometheus.scrape();
  }

  public void requestLatency(String modelTag, long nanos) {
    latencyByModel
        .computeIfAbsent(
            modelTag,
            t ->
                Timer.builder("lorastream.server.request.latency")
                    .description("POST /v1/embeddings, arrival to response")
                    .tag("model", t)
                    .publishPercentileHistogram()
                    .maximumExpectedValue(Duration.ofSeconds(30))
                    .register(registry))
        .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  public void response(String endpoint, int status) {
    responses
        .computeIfAbsent(
            endpoint + " " + status,
            k ->
                Counter.builder("lorastream.server.responses")
                    .description("HTTP answers by endpoint and status")
                    .tag("endpoint", endpoint)
                    .tag("status", Integer.toString(status))
                    .register(registry))
        .increment();
  }

  public void batch(int texts) {
    batchSize.record(texts);
  }

  public void truncated(int texts) {
    if (texts > 0) {
      truncated.increment(texts);
    }
  }

  public void queueDepth(Supplier<Number> depth) {
    Gauge.builder("lorastream.server.queue.depth", depth)
        .description("texts waiting for a forward pass")
        .register(registry);
  }

  public void kafkaReachable(Supplier<Number> reachable) {
    Gauge.builder("lorastream.server.adapters.kafka.reachable", reachable)
        .description(
            "1 while the adapter watcher reaches Kafka (catching up or following), 0 while it retries")
        .register(registry);
  }

  public void requestsAdmitted(Supplier<Number> admitted) {
    Gauge.builder("lorastream.server.requests.admitted", admitted)
        .description(
            "embedding requests being read, parsed and tokenized now (at most max-concurrent-requests)")
        .register(registry);
  }

  /** Registers the per-adapter gauges once per adapter name. */
  public void adapterGauges(
      String adapter, Supplier<Number> servingVersion, Supplier<Number> pinned) {
    adapterGauges.computeIfAbsent(
        adapter,
        a ->
            new Gauge[] {
              Gauge.builder("lorastream.server.adapter.version", servingVersion)
                  .description("the version '<adapter>' requests are served with")
                  .tag("adapter", a)
                  .register(registry),
              Gauge.builder("lorastream.server.adapter.pinned", pinned)
                  .description("1 while the adapter is pinned to a version")
                  .tag("adapter", a)
                  .register(registry)
            });
  }

  /** Drops an adapter's gauges when its last version is gone. */
  public void removeAdapterGauges(String adapter) {
    Gauge[] gauges = adapterGauges.remove(adapter);
    if (gauges != null) {
      for (Gauge g : gauges) {
        registry.remove(g);
      }
    }
  }

  public void activationLatency(String adapter, Duration d) {
    Timer.builder("lorastream.server.adapter.activation.latency")
        .description("adapter record publication to swapped in")
        .tag("adapter", adapter)
        .publishPercentileHistogram()
        .register(registry)
        .record(d.isNegative() ? Duration.ZERO : d);
  }

  public void swapLatency(String adapter, Duration d) {
    Timer.builder("lorastream.server.adapter.swap.latency")
        .description("adapter record publication to the first response served with it")
        .tag("adapter", adapter)
        .publishPercentileHistogram()
        .register(registry)
        .record(d.isNegative() ? Duration.ZERO : d);
  }

  public void refused(String reason) {
    Counter.builder("lorastream.server.adapters.refused")
        .description("adapter records refused, by reason")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  /** Refusals so far for one reason (tests, logs). */
  public double refusedCount(String reason) {
    Counter c = registry.find("lorastream.server.adapters.refused").tag("reason", reason).counter();
    return c == null ? 0 : c.count();
  }
}
