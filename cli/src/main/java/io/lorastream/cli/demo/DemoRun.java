package io.lorastream.cli.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lorastream.model.adapter.AdaptationMode;
import io.lorastream.model.adapter.AdapterKey;
import io.lorastream.model.eval.BeirDataset;
import io.lorastream.model.eval.EmbeddingCache;
import io.lorastream.model.eval.EmbeddingMatrix;
import io.lorastream.trainer.TrainerListener;
import io.lorastream.trainer.gate.GateDecision;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One demo: services up, documents published and indexed through the server, the base model
 * evaluated on the test split, then simulated users search while the loop trains; every newly
 * served version is evaluated; at the end the summary table, the HTML report, the final adapter
 * folder and one JSON line.
 */
public final class DemoRun {

  /** What the front-end searches with: a model name and the document vectors that match it. */
  private record Served(String model, EmbeddingMatrix index) {}

  private final DemoSettings settings;
  private final PrintStream out;
  private final PrintStream log;
  private final long startNanos = System.nanoTime();
  private volatile long loopStartNanos = startNanos;
  private final List<DemoReport.Point> points = new CopyOnWriteArrayList<>();
  private final AtomicLong gateAccepted = new AtomicLong();
  private final AtomicLong gateRejected = new AtomicLong();
  private final AtomicReference<String> lastGate = new AtomicReference<>("-");
  private volatile boolean stopRequested;

  public DemoRun(DemoSettings settings, PrintStream out, PrintStream log) {
    this.settings = settings;
    this.out = out;
    this.log = log;
  }

  /**
   * Asks a running demo to finish now (Ctrl-C): it still writes its summary, report and adapter.
   */
  public void requestStop() {
    stopRequested = true;
  }

  private double elapsed() {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /**
   * The loop runs for the duration once users start searching: a first run's indexing does not eat
   * into it.
   */
  private long deadlineNanos() {
    return loopStartNanos + settings.duration().toNanos();
  }

  private boolean timeLeft() {
    return !stopRequested && System.nanoTime() - deadlineNanos() < 0;
  }

  /** Runs the demo; returns the process exit code. */
  public int run() throws IOException, InterruptedException {
    BeirDataset data = BeirDataset.load(settings.dataset());
    log.printf(
        Locale.ROOT,
        "demo: %s: %,d documents, %d train and %d test queries with judgments; %s for %ds%n",
        settings.dataset(),
        data.corpus().size(),
        data.relevantDocs(data.qrels("train")).size(),
        data.relevantDocs(data.qrels("test")).size(),
        settings.mode().name().toLowerCase(Locale.ROOT),
        settings.duration().toSeconds());
    TrainerListener gates =
        new TrainerListener() {
          @Override
          public void gateDecided(String adapter, long step, GateDecision d) {
            (d.accepted() ? gateAccepted : gateRejected).incrementAndGet();
            lastGate.set(
                String.format(
                    Locale.ROOT,
                    "%s at step %d on %d queries: %s",
                    d.outcome().metricName(),
                    step,
                    d.queries(),
                    d.reason()));
          }
        };
    try (DemoServices services = DemoServices.start(settings, data, gates, log);
        FeedbackProducer producer =
            new FeedbackProducer(
                services.bootstrap(),
                services.clientProperties("frontend"),
                services.topics(),
                settings.tenant())) {
      ServerClient client = new ServerClient(services.serverUri(), null);
      MetricsScraper scraper = new MetricsScraper(services.metricsEndpoints());
      SearchFrontEnd frontEnd =
          new SearchFrontEnd(data, client, producer, settings.users(), settings.seed());
      frontEnd.publishDocuments();
      EmbeddingMatrix baseIndex = baseIndex(services, data, frontEnd);
      services.primeTrainer(settings.adapter(), data, baseIndex);
      TestSplitEvaluator evaluator = new TestSplitEvaluator(data, client);
      TestSplitEvaluator.Scores base = evaluator.evaluate("base", baseIndex);
      points.add(new DemoReport.Point(elapsed(), "base", base.ndcgAt10(), base.recallAt100()));
      log.printf(
          Locale.ROOT,
          "demo: [%4.0fs] base model: test nDCG@10 %.4f, Recall@100 %.4f; users start searching%n",
          elapsed(),
          base.ndcgAt10(),
          base.recallAt100());

      loopStartNanos = System.nanoTime();
      AtomicReference<Served> served = new AtomicReference<>(new Served("base", baseIndex));
      AtomicReference<Throwable> frontEndFailure = new AtomicReference<>();
      Thread users =
          new Thread(
              () -> {
                try {
                  frontEnd.run(
                      () -> served.get().model(),
                      () -> served.get().index(),
                      settings.searchesPerSecond(),
                      deadlineNanos());
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } catch (IOException | RuntimeException e) {
                  frontEndFailure.set(e);
                }
              },
              "demo-users");
      users.setDaemon(true);
      users.start();

      String evaluated = "base";
      long nextProgress = 0;
      while (timeLeft() && users.isAlive()) {
        String version = client.currentVersion(settings.adapter());
        if (version != null && !version.equals(evaluated)) {
          Served next = evaluateVersion(version, baseIndex, frontEnd, evaluator);
          if (next != null) {
            served.set(next);
            evaluated = version;
          }
        }
        if (System.nanoTime() - nextProgress >= 0) {
          progress(scraper, evaluated);
          nextProgress = System.nanoTime() + 10_000_000_000L;
        }
        Thread.sleep(1000);
      }
      users.interrupt();
      users.join(30_000);
      producer.finish();
      if (frontEndFailure.get() != null) {
        log.println("demo: the simulated front-end stopped: " + frontEndFailure.get().getMessage());
      }
      String version = client.currentVersion(settings.adapter());
      if (version != null && !version.equals(evaluated)) {
        if (evaluateVersion(version, baseIndex, frontEnd, evaluator) != null) {
          evaluated = version;
        }
      }
      Map<String, Double> samples = scraper.scrape();
      services.stopTrainer(java.time.Duration.ofSeconds(60));
      Path adapterDir = null;
      if (!evaluated.equals("base")) {
        adapterDir = settings.out().resolve("adapter");
        int v = Integer.parseInt(evaluated.substring(evaluated.indexOf('@') + 1));
        try {
          FinalAdapter.save(
              services.bootstrap(),
              services.clientProperties("server"),
              services.topics().adapters(),
              services.publicKey(),
              services.base(),
              new AdapterKey(settings.adapter(), v),
              adapterDir);
        } catch (IOException | RuntimeException e) {
          log.println("demo: could not write the final adapter folder: " + e.getMessage());
          adapterDir = null;
        }
      }
      return finish(samples, adapterDir, frontEnd.searches());
    }
  }

  /**
   * The front-end's index of base document vectors, embedded through the server ({@code input_type:
   * document}). Like a real application's vector index it is kept between runs (in lorastream's
   * cache folder, keyed by the server's base model and the corpus), so a second demo starts
   * searching at once.
   */
  private EmbeddingMatrix baseIndex(
      DemoServices services, BeirDataset data, SearchFrontEnd frontEnd) {
    EmbeddingCache cache = EmbeddingCache.atDefaultLocation();
    EmbeddingCache.Key key =
        new EmbeddingCache.Key(
            "lorastream-demo-index/1;served-base="
                + services.base().id().sha256()
                + ";max-length=256;input-type=document",
            data.corpusSha256());
    return cache.getOrCompute(
        key,
        () -> {
          log.printf(
              Locale.ROOT,
              "demo: [%4.0fs] indexing %,d documents through the embedding server"
                  + " (kept for the next run)...%n",
              elapsed(),
              data.corpus().size());
          try {
            return frontEnd.index("base", new ProgressPrinter(data.corpus().size()));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while indexing", e);
          }
        });
  }

  /** Prints indexing progress every 10%. */
  private final class ProgressPrinter implements java.util.function.LongConsumer {
    private final long total;
    private long nextTenth = 1;

    ProgressPrinter(long total) {
      this.total = total;
    }

    @Override
    public void accept(long done) {
      if (done * 10 >= nextTenth * total) {
        log.printf(Locale.ROOT, "demo: [%4.0fs]   %,d / %,d documents%n", elapsed(), done, total);
        nextTenth = done * 10 / total + 1;
      }
    }
  }

  /**
   * Evaluates a newly served version on the test split; returns what the users search with next, or
   * null.
   */
  private Served evaluateVersion(
      String version,
      EmbeddingMatrix baseIndex,
      SearchFrontEnd frontEnd,
      TestSplitEvaluator evaluator)
      throws InterruptedException {
    try {
      EmbeddingMatrix index = baseIndex;
      if (settings.mode() == AdaptationMode.BOTH) {
        log.printf(
            Locale.ROOT,
            "demo: [%4.0fs] %s serves documents too (both mode): re-embedding the corpus...%n",
            elapsed(),
            version);
        index = frontEnd.index(version, done -> {});
      }
      TestSplitEvaluator.Scores s = evaluator.evaluate(version, index);
      points.add(new DemoReport.Point(elapsed(), version, s.ndcgAt10(), s.recallAt100()));
      log.printf(
          Locale.ROOT,
          "demo: [%4.0fs] now serving %s: test nDCG@10 %.4f (base %.4f), Recall@100 %.4f; gate: %s%n",
          elapsed(),
          version,
          s.ndcgAt10(),
          points.get(0).ndcgAt10(),
          s.recallAt100(),
          lastGate.get());
      // Query mode searches with the adapter's current version against base document vectors; both
      // mode must keep
      // the version its index was embedded with.
      return new Served(
          settings.mode() == AdaptationMode.QUERY ? settings.adapter() : version, index);
    } catch (IOException e) {
      log.println("demo: could not evaluate " + version + ": " + e.getMessage());
      return null;
    }
  }

  private void progress(MetricsScraper scraper, String version) {
    Map<String, Double> m = scraper.scrape();
    DemoReport.Point last = points.get(points.size() - 1);
    log.printf(
        Locale.ROOT,
        "demo: [%4.0fs] events %,.0f  pairs %,.0f  dead letters %,.0f  steps %,.0f  gate %d accepted / %d rejected"
            + "  serving %s  test nDCG@10 %.4f%n",
        elapsed(),
        MetricsScraper.sum(m, "lorastream_streams_events_in_total", null),
        MetricsScraper.sum(m, "lorastream_streams_pairs_out_total", null),
        MetricsScraper.sum(m, "lorastream_streams_dead_letters_total", null),
        MetricsScraper.sum(m, "lorastream_trainer_steps_total", null),
        gateAccepted.get(),
        gateRejected.get(),
        version,
        last.ndcgAt10());
  }

  private int finish(Map<String, Double> m, Path adapterDir, long searches) throws IOException {
    DemoReport.Point base = points.get(0);
    DemoReport.Point last = points.get(points.size() - 1);
    long events = (long) MetricsScraper.sum(m, "lorastream_streams_events_in_total", null);
    long pairs = (long) MetricsScraper.sum(m, "lorastream_streams_pairs_out_total", null);
    long steps = (long) MetricsScraper.sum(m, "lorastream_trainer_steps_total", null);
    DemoReport.printTable(
        out, points, events, pairs, steps, gateAccepted.get(), gateRejected.get());
    Path report = settings.out().resolve("report.html");
    String summary =
        String.format(
            Locale.ROOT,
            "%s, %s mode, %.0f s: %,d searches, %,d events, %,d training pairs, %,d steps, gate %d accepted / %d rejected."
                + " Test nDCG@10 %.4f (base) -> %.4f (%s).",
            settings.dataset().getFileName(),
            settings.mode().name().toLowerCase(Locale.ROOT),
            elapsed(),
            searches,
            events,
            pairs,
            steps,
            gateAccepted.get(),
            gateRejected.get(),
            base.ndcgAt10(),
            last.ndcgAt10(),
            last.version());
    DemoReport.writeHtml(
        report, points, "lorastream demo: " + settings.dataset().getFileName(), summary);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("test_ndcg@10_base", round(base.ndcgAt10()));
    json.put("test_ndcg@10_final", round(last.ndcgAt10()));
    json.put("test_recall@100_base", round(base.recallAt100()));
    json.put("test_recall@100_final", round(last.recallAt100()));
    json.put("final_version", last.version());
    json.put("versions_evaluated", points.size() - 1);
    json.put("mode", settings.mode().name().toLowerCase(Locale.ROOT));
    json.put("seconds", Math.round(elapsed()));
    json.put("searches", searches);
    json.put("events", events);
    json.put("pairs", pairs);
    json.put("steps", steps);
    json.put("gate_accepted", gateAccepted.get());
    json.put("gate_rejected", gateRejected.get());
    json.put("adapter_dir", adapterDir == null ? null : adapterDir.toAbsolutePath().toString());
    json.put("report", report.toAbsolutePath().toString());
    List<Map<String, Object>> timeline = new ArrayList<>();
    for (DemoReport.Point p : points) {
      timeline.add(
          Map.of(
              "seconds",
              Math.round(p.seconds()),
              "version",
              p.version(),
              "ndcg@10",
              round(p.ndcgAt10()),
              "recall@100",
              round(p.recallAt100())));
    }
    ObjectMapper mapper = new ObjectMapper();
    Map<String, Object> file = new LinkedHashMap<>(json);
    file.put("timeline", timeline);
    mapper
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(settings.out().resolve("summary.json").toFile(), file);
    out.println(
        "report: "
            + report.toAbsolutePath()
            + (adapterDir == null ? "" : "   adapter: " + adapterDir.toAbsolutePath()));
    out.println(new ObjectMapper().writeValueAsString(json));
    out.flush();
    return 0;
  }

  private static double round(double x) {
    return Math.round(x * 1e4) / 1e4;
  }
}
