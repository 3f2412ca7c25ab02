package io.lorastream.bench.streams;

import io.lorastream.model.eval.BeirDataset;
import io.lorastream.schemas.TopicAdmin;
import io.lorastream.schemas.TopicNames;
import io.lorastream.schemas.TopicSpec;
import io.lorastream.streams.FeedbackStreamsApp;
import io.lorastream.streams.config.ConfigFiles;
import io.lorastream.streams.config.FeedbackStreamsConfig;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Feedback through the real topology on a real broker, against the same broker's raw produce +
 * consume of the same records, in one run. Raw: produce every event (acks=all, idempotent) and read
 * it all back, timed. Streams: the same events wait in the input topics (the corpus already
 * loaded), the app starts, and the clock runs from RUNNING until its committed offsets cover every
 * feedback event (every event read, processed, and its pairs, dead letters and state changes
 * committed in exactly-once transactions). One tick per partition behind the events closes the last
 * windows; it is processed and waited for, but not timed (see {@link #run}). Floor: the input
 * records read back while the records the app wrote (pairs, changelogs) are produced again to a
 * topic of their own, raw, in two threads: what a topology that did no work at all would still have
 * to move. Streams floor: the same reads and writes through Kafka Streams under the app's settings,
 * with no work in between ({@link StreamsFloor}): what the runtime itself costs.
 *
 * <p>Smaller untimed runs (own topics and application ids) come first, so that both paths are timed
 * with the JIT warm, as a long-running app would be; the progress lines say how much the JIT still
 * compiled during the timed phase, which tasks each stream thread ran, where the stream threads'
 * time went (CPU, polling, flushes, transactions) and how many bytes each topic received. The app
 * runs one stream thread per partition, at most one per core, unless {@code --set
 * num-stream-threads} says otherwise.
 */
public final class StreamsBenchmark {

  /**
   * What to run. {@code streamsSettings} are config keys laid over the bench defaults (see {@link
   * ConfigFiles}).
   *
   * @param warmupImpressions a smaller run first (own topics, own application id), untimed: both
   *     paths are timed with the JIT warm, as a long-running app runs; 0 = none
   * @param warmupRounds how many such runs, each followed by a wait for the JIT compilers' queue to
   *     drain. A JVM that runs a broker, its clients and the app has much code for its one C2
   *     compiler thread on 2 cores, and the JIT raises its thresholds for optimizing a method with
   *     the length of that queue: code that runs once per request, poll or commit (the broker's
   *     request handling, the stream thread's commits) reaches them only after several runs. With
   *     two stream threads the JIT compiled for 2.6-3.2 s during the timed phase after two rounds
   *     (a JFR recording: mostly methods optimized for the first time, among them the broker's log
   *     append and {@code ImpressionProcessor.onSearch}), 0.2-1.0 s after ten
   */
  public record Settings(
      Path dataset,
      int impressions,
      int warmupImpressions,
      int warmupRounds,
      int partitions,
      long impressionSpacingMs,
      Map<String, String> streamsSettings) {

    public Settings {
      if (impressions < 1) {
        throw new IllegalArgumentException("impressions must be at least 1, got " + impressions);
      }
      if (warmupImpressions < 0) {
        throw new IllegalArgumentException(
            "warm-up impressions must be >= 0 (0 = no warm-up), got " + warmupImpressions);
      }
      if (warmupRounds < 1) {
        throw new IllegalArgumentException(
            "warm-up rounds must be at least 1, got "
                + warmupRounds
                + "; --warmup-impressions 0 skips the warm-up");
      }
      if (partitions < 1) {
        throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
      }
      if (impressionSpacingMs < 1) {
        throw new IllegalArgumentException(
            "impression spacing must be at least 1 ms, got " + impressionSpacingMs);
      }
      streamsSettings = Collections.unmodifiableMap(new LinkedHashMap<>(streamsSettings));
    }
  }

  /**
   * The figures; {@code eventsPerSecond / rawEventsPerSecond} is the ratio. The CPU figures are
   * this whole JVM's (broker included) per event during each timed phase: less sensitive than wall
   * time to other load on the machine.
   *
   * @param outputMegabytes what the app wrote for the run's feedback: its pair records and
   *     changelog records
   * @param floorEventsPerSecond the events divided by the time this broker and JVM take to read the
   *     input records while producing the app's output records, raw (no processing, no
   *     transactions; the better of two passes): a topology that did no work at all would still
   *     move these bytes
   * @param ratioCeilingVsRaw {@code floorEventsPerSecond / rawEventsPerSecond}: the ratio such a
   *     topology would reach
   * @param streamsFloorEventsPerSecond the same reads and writes through Kafka Streams under the
   *     app's settings, with no work in between ({@link StreamsFloor}; the better of two passes)
   * @param streamsFloorCpuMicrosPerEvent this JVM's CPU per event during that pass
   * @param ratioStreamsCeilingVsRaw {@code streamsFloorEventsPerSecond / rawEventsPerSecond}: the
   *     ratio no topology on this runtime, broker and machine can pass
   */
  public record Result(
      long events,
      double eventsPerSecond,
      double rawEventsPerSecond,
      double rawProduceEventsPerSecond,
      double rawConsumeEventsPerSecond,
      double ratioVsRaw,
      double rawCpuMicrosPerEvent,
      double streamsCpuMicrosPerEvent,
      double streamsSeconds,
      long pairs,
      long deadLetters,
      double outputMegabytes,
      double floorEventsPerSecond,
      double ratioCeilingVsRaw,
      double streamsFloorEventsPerSecond,
      double streamsFloorCpuMicrosPerEvent,
      double ratioStreamsCeilingVsRaw,
      Map<String, String> settings) {}

  private StreamsBenchmark() {}

  public static Result run(String bootstrap, Settings s, Consumer<String> progress)
      throws Exception {
    BeirDataset data = BeirDataset.load(s.dataset());
    int rounds = s.warmupImpressions() > 0 ? s.warmupRounds() : 0;
    for (int round = 1; round <= rounds; round++) {
      String name = "warm-up " + round + "/" + s.warmupRounds();
      progress.accept(name + " run (" + s.warmupImpressions() + " impressions, not reported)");
      runOnce(
          bootstrap, data, s, s.warmupImpressions(), line -> progress.accept(name + ": " + line));
      progress.accept(
          String.format(
              "%s: waited %.1f s for the JIT compilers' queue to drain", name, awaitQuietJit()));
    }
    return runOnce(bootstrap, data, s, s.impressions(), progress);
  }

  /**
   * One measured run with its own topics, application id and state directories, all deleted
   * afterwards. Two state directories: one for the app that loads the corpus, one for the app that
   * is timed (see {@link #measure}).
   */
  private static Result runOnce(
      String bootstrap, BeirDataset data, Settings s, int impressions, Consumer<String> progress)
      throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    Path stateDir = Files.createTempDirectory("lorastream-bench-state");
    Path loaderStateDir = Files.createTempDirectory("lorastream-bench-loader-state");
    try {
      return measure(bootstrap, data, s, impressions, run, stateDir, loaderStateDir, progress);
    } finally {
      try {
        deleteTopicsOf(bootstrap, run);
      } catch (ExecutionException e) {
        progress.accept(
            "could not delete the run's topics (later runs share the broker with them): "
                + e.getCause());
      }
      Utils.delete(stateDir.toFile());
      Utils.delete(loaderStateDir.toFile());
    }
  }

  /**
   * Deletes every topic of a run: inputs, outputs, changelogs and the raw and floor copies all
   * carry its id. A run writes 0.5-1 GB to the broker's logs, so ten warm-up runs that kept theirs
   * left the last run timed on a broker whose page cache was writing GBs back to disk: its raw
   * produce rate fell from ~500,000 to ~250,000/s.
   */
  private static void deleteTopicsOf(String bootstrap, String run)
      throws ExecutionException, InterruptedException {
    try (Admin admin = admin(bootstrap)) {
      List<String> topics =
          admin.listTopics().names().get().stream().filter(t -> t.contains(run)).toList();
      admin.deleteTopics(topics).all().get();
    }
  }

  /**
   * Stream threads unless {@code --set num-stream-threads} says otherwise: one per partition, at
   * most one per core. Each impressions task (one per partition) then has a thread of its own.
   */
  static int defaultStreamThreads(int partitions, int cores) {
    return Math.max(1, Math.min(partitions, cores));
  }

  private static Result measure(
      String bootstrap,
      BeirDataset data,
      Settings s,
      int impressions,
      String run,
      Path stateDir,
      Path loaderStateDir,
      Consumer<String> progress)
      throws Exception {
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put("topic-prefix", "bench-" + run + ".");
    keys.put("application-id", "lorastream-bench-" + run);
    keys.put("window", "10s");
    keys.put("grace", "2s");
    keys.put("idle-close-after", "0");
    keys.put("partitions", Integer.toString(s.partitions()));
    keys.put("metrics-port", "0");
    keys.put("state-dir", stateDir.toString());
    keys.put(
        "num-stream-threads",
        Integer.toString(
            defaultStreamThreads(s.partitions(), Runtime.getRuntime().availableProcessors())));
    keys.putAll(s.streamsSettings());
    FeedbackStreamsConfig config = ConfigFiles.fromMap(keys);
    TopicNames topics = config.topics();
    // event times near now: the broker deletes records whose timestamps are past retention
    Instant start = Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);
    FeedbackScenario scenario =
        FeedbackScenario.generate(
            data,
            topics,
            new FeedbackScenario.Settings(
                impressions,
                10,
                FeedbackScenario.USERS.withLabelRate(0.05),
                s.impressionSpacingMs(),
                7,
                start,
                "bench"));
    List<ProducerRecord<byte[], byte[]>> events = new ArrayList<>();
    scenario.events().forEach(e -> events.add(record(e.topic(), e)));
    long feedbackEvents = events.size(); // the ticks added next are not timed (see below)
    long last = scenario.events().get(scenario.events().size() - 1).timestampMs();
    for (int p = 0; p < s.partitions(); p++) {
      events.add(tick(topics, p, last + 60_000));
      events.add(interactionTick(topics, p, last + 60_001));
    }
    progress.accept(
        String.format(
            "%d feedback events over %d impressions, %d documents",
            events.size(), impressions, scenario.documents().size()));

    // raw: the same records, produced and consumed back, timed
    TopicNames raw = new TopicNames("bench-raw-" + run + ".");
    TopicAdmin.ensure(
        bootstrap,
        TopicAdmin.standardSpecs(raw, s.partitions(), (short) 1),
        Duration.ofSeconds(30));
    Map<String, String> rename =
        Map.of(
            topics.searchEvents(),
            raw.searchEvents(),
            topics.interactions(),
            raw.interactions(),
            topics.relevanceLabels(),
            raw.relevanceLabels());
    List<String> rawTopics = List.copyOf(rename.values());
    awaitLeaders(bootstrap, rawTopics, Duration.ofSeconds(30));
    List<ProducerRecord<byte[], byte[]>> rawRecords =
        events.stream()
            .map(
                r ->
                    new ProducerRecord<>(
                        rename.get(r.topic()), r.partition(), r.timestamp(), r.key(), r.value()))
            .toList();
    long cpu0 = cpuNanos();
    long t0 = System.nanoTime();
    produce(bootstrap, rawRecords);
    double produceSeconds = (System.nanoTime() - t0) / 1e9;
    t0 = System.nanoTime();
    long consumed = consumeAll(bootstrap, rawTopics, events.size());
    double consumeSeconds = (System.nanoTime() - t0) / 1e9;
    if (consumed != events.size()) {
      throw new IllegalStateException(
          "raw consume read " + consumed + " of " + events.size() + " records");
    }
    double rawCpuSeconds = (cpuNanos() - cpu0) / 1e9;
    double rawProduce = events.size() / produceSeconds;
    double rawConsume = events.size() / consumeSeconds;
    double rawBoth = events.size() / (produceSeconds + consumeSeconds);
    progress.accept(
        String.format(
            "raw: produce %.0f/s, consume %.0f/s, produce+consume %.0f events/s;"
                + " this JVM used %.1f CPU-seconds (%.0f us per event)",
            rawProduce, rawConsume, rawBoth, rawCpuSeconds, rawCpuSeconds * 1e6 / events.size()));

    // streams: load the corpus first (setup, not timed), then the feedback waits in the topics. The
    // loader leaves the
    // consumer group as it closes (a dynamic member otherwise stays until its session times out,
    // which would only
    // delay the timed app's start).
    Map<String, String> loaderKeys = new LinkedHashMap<>(keys);
    loaderKeys.put("kafka.main.consumer.internal.leave.group.on.close", "true");
    // A state directory of its own: Kafka Streams hands each thread first the tasks whose state it
    // finds on local disk,
    // and the loader's (empty) task directories made one thread of the timed app take every
    // impressions task.
    loaderKeys.put("state-dir", loaderStateDir.toString());
    FeedbackStreamsConfig loaderConfig = ConfigFiles.fromMap(loaderKeys);
    try (FeedbackStreamsApp loader =
        FeedbackStreamsApp.start(bootstrap, loaderConfig, Duration.ofMinutes(2))) {
      produce(bootstrap, scenario.documents().stream().map(e -> record(e.topic(), e)).toList());
      awaitEnd(
          bootstrap,
          config.runtime().applicationId(),
          List.of(topics.documents()),
          Duration.ofMinutes(5));
      waitForPassages(bootstrap, config.passagesTopic(), scenario.documents().size());
    }
    produce(bootstrap, events);
    progress.accept("corpus loaded and feedback queued; timing the streams app");
    List<String> inputs =
        List.of(topics.searchEvents(), topics.interactions(), topics.relevanceLabels());
    AtomicReference<Long> runningAt = new AtomicReference<>();
    double streamsSeconds;
    double streamsCpuSeconds;
    long timedEvents;
    try (FeedbackStreamsApp app =
        FeedbackStreamsApp.start(bootstrap, config, Duration.ofMinutes(2))) {
      TimeBreakdown before = TimeBreakdown.snapshot(app.streams());
      runningAt.set(System.nanoTime());
      long cpu1 = cpuNanos();
      long jit1 = jitMillis();
      // A thread may start on its tasks while the other is still joining, before the app is RUNNING
      // and the clock
      // starts (about 1% of the events here). Those events are not counted: their time and CPU are
      // not in the timed
      // phase either.
      timedEvents = feedbackEvents - before.processed();
      app.streams()
          .metadataForLocalThreads()
          .forEach(
              t ->
                  progress.accept(
                      t.threadName().replaceFirst(".*-(StreamThread-\\d+)$", "$1")
                          + " has tasks "
                          + t.activeTasks().stream()
                              .map(task -> task.taskId().toString())
                              .sorted()
                              .toList()));
      progress.accept(
          String.format(
              "%d events processed before the clock started, not counted; %d timed",
              before.processed(), timedEvents));
      // The clock stops when every feedback event is committed. The ticks behind them close the
      // last windows and keep
      // both inputs of the impressions task non-empty until then: a drained input partition can
      // make the task wait
      // (max-task-idle) for more, a latency that a backlog's end shows once and a continuous stream
      // does not. So the
      // ticks are not timed; the run is still waited for in full.
      awaitEnd(
          bootstrap,
          config.runtime().applicationId(),
          inputs,
          java.util.Set.of(topics.searchEvents(), topics.interactions()),
          Duration.ofMinutes(20));
      streamsSeconds = (System.nanoTime() - runningAt.get()) / 1e9;
      streamsCpuSeconds = (cpuNanos() - cpu1) / 1e9;
      progress.accept(
          TimeBreakdown.snapshot(app.streams()).since(before, streamsSeconds, timedEvents)
              + String.format(
                  "; the JIT compiled for %.1f s meanwhile", (jitMillis() - jit1) / 1e3));
      awaitEnd(bootstrap, config.runtime().applicationId(), inputs, Duration.ofMinutes(5));
    }
    progress.accept(
        "bytes in the broker's logs after the run, by topic: "
            + logBytes(bootstrap, topics.prefix(), config.runtime().applicationId()));
    long deadLetters = countRecords(bootstrap, topics.deadLetters());
    double eps = timedEvents / streamsSeconds;

    // floor: the same broker and JVM only moving the app's bytes, with no processing and no
    // transactions
    List<ProducerRecord<byte[], byte[]>> pairRecords =
        readCommitted(bootstrap, topics.trainingPairs());
    long pairs = pairRecords.size();
    List<ProducerRecord<byte[], byte[]>> outputs = new ArrayList<>(pairRecords);
    for (String changelog : changelogTopics(bootstrap, config.runtime().applicationId())) {
      outputs.addAll(readCommitted(bootstrap, changelog));
    }
    // the better of two passes: a ceiling should not be lowered by a pass that other load on the
    // machine slowed
    double floor1 =
        floorPass(bootstrap, run + "-1", rawTopics, events.size(), outputs, s.partitions());
    double floor2 =
        floorPass(bootstrap, run + "-2", rawTopics, events.size(), outputs, s.partitions());
    double floorSeconds = Math.min(floor1, floor2);
    double floorEps = events.size() / floorSeconds;
    double outputMegabytes = bytes(outputs) / 1e6;
    // streams floor: the same reads and writes through Kafka Streams, exactly-once, with no work in
    // between
    // the app's impressions tasks read search events and interactions together, its label tasks
    // labels alone
    List<List<String>> sources =
        List.of(List.of(raw.searchEvents(), raw.interactions()), List.of(raw.relevanceLabels()));
    StreamsFloor.Timing sf1 =
        StreamsFloor.pass(bootstrap, config, run + "-1", sources, outputs, s.partitions());
    StreamsFloor.Timing sf2 =
        StreamsFloor.pass(bootstrap, config, run + "-2", sources, outputs, s.partitions());
    StreamsFloor.Timing sf = sf1.seconds() <= sf2.seconds() ? sf1 : sf2;
    progress.accept("streams floor, the faster pass: " + sf.breakdown());
    double streamsFloorEps = events.size() / sf.seconds();
    progress.accept(
        String.format(
            "streams: %d events in %.2f s = %.0f events/s; %d pairs, %d dead letters;"
                + " this JVM used %.1f CPU-seconds (%.0f us per event)",
            timedEvents,
            streamsSeconds,
            eps,
            pairs,
            deadLetters,
            streamsCpuSeconds,
            streamsCpuSeconds * 1e6 / timedEvents));
    progress.accept(
        String.format(
            "floor: reading the input records while producing the %d records the app wrote"
                + " (pairs and changelogs, %.1f MB), raw, took %.2f s (the better of two passes: %.2f and %.2f s) = %.0f"
                + " events/s, %.2f of the raw rate: the ratio a topology that did no work at all would reach",
            outputs.size(),
            outputMegabytes,
            floorSeconds,
            floor1,
            floor2,
            floorEps,
            floorEps / rawBoth));
    progress.accept(
        String.format(
            "streams floor: the same reads and writes through Kafka Streams (exactly-once, the"
                + " app's threads and commit interval), no work in between, took %.2f s (the better of two passes: %.2f and"
                + " %.2f s) = %.0f events/s, %.2f of the raw rate; this JVM used %.1f CPU-seconds (%.0f us per event): the"
                + " ratio no topology on this runtime can pass",
            sf.seconds(),
            sf1.seconds(),
            sf2.seconds(),
            streamsFloorEps,
            streamsFloorEps / rawBoth,
            sf.cpuSeconds(),
            sf.cpuSeconds() * 1e6 / events.size()));
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("impressions", Integer.toString(impressions));
    settings.put("warmup_impressions", Integer.toString(s.warmupImpressions()));
    settings.put("warmup_rounds", Integer.toString(s.warmupRounds()));
    settings.put("partitions", Integer.toString(s.partitions()));
    settings.put("impression_spacing_ms", Long.toString(s.impressionSpacingMs()));
    settings.put("window", config.window().size().toString());
    settings.put("grace", config.window().grace().toString());
    settings.put("commit_interval_ms", Long.toString(config.runtime().commitInterval().toMillis()));
    settings.put("cache_max_bytes", Long.toString(config.runtime().cacheMaxBytes()));
    settings.put("num_stream_threads", Integer.toString(config.runtime().numStreamThreads()));
    settings.put("max_task_idle_ms", Long.toString(config.runtime().maxTaskIdle().toMillis()));
    config.runtime().kafka().forEach((k, v) -> settings.put("kafka." + k, v));
    settings.put("processing_guarantee", "exactly_once_v2");
    // The JVM's own options (heap and collector settings move this benchmark by a fifth; see
    // ./lorastream).
    settings.put(
        "jvm_options",
        String.join(
            " ",
            ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-X"))
                .toList()));
    return new Result(
        events.size(),
        eps,
        rawBoth,
        rawProduce,
        rawConsume,
        eps / rawBoth,
        rawCpuSeconds * 1e6 / events.size(),
        streamsCpuSeconds * 1e6 / timedEvents,
        streamsSeconds,
        pairs,
        deadLetters,
        outputMegabytes,
        floorEps,
        floorEps / rawBoth,
        streamsFloorEps,
        sf.cpuSeconds() * 1e6 / events.size(),
        streamsFloorEps / rawBoth,
        settings);
  }

  private static ProducerRecord<byte[], byte[]> record(String topic, FeedbackScenario.Event e) {
    return new ProducerRecord<>(topic, null, e.timestampMs(), utf8(e.key()), e.value());
  }

  /**
   * A far-later impression on one partition: moves that task's stream time past the last windows.
   */
  private static ProducerRecord<byte[], byte[]> tick(TopicNames topics, int partition, long at) {
    String id = "tick-" + partition;
    String json =
        "{\"schema_version\":1,\"event_id\":\""
            + id
            + "\",\"tenant\":\"bench\",\"event_time\":\""
            + Instant.ofEpochMilli(at)
            + "\",\"impression_id\":\""
            + id
            + "\",\"session_id\":\"s\",\"query\":\"tick\","
            + "\"results\":[{\"doc_id\":\"none\",\"rank\":1,\"score\":1}],\"model_version\":\"m\"}";
    return new ProducerRecord<>(topics.searchEvents(), partition, at, utf8(id), utf8(json));
  }

  /**
   * A thumbs-down on the tick impression, just after it: keeps the interactions partition from
   * draining before the last feedback events are processed, and makes no pair (a thumbs-down alone
   * is no positive).
   */
  private static ProducerRecord<byte[], byte[]> interactionTick(
      TopicNames topics, int partition, long at) {
    String id = "tick-" + partition;
    String json =
        "{\"schema_version\":1,\"event_id\":\""
            + id
            + "-thumbs\",\"tenant\":\"bench\",\"event_time\":\""
            + Instant.ofEpochMilli(at)
            + "\",\"impression_id\":\""
            + id
            + "\",\"doc_id\":\"none\","
            + "\"type\":\"thumbs_down\"}";
    return new ProducerRecord<>(topics.interactions(), partition, at, utf8(id), utf8(json));
  }

  private static void produce(String bootstrap, List<ProducerRecord<byte[], byte[]>> records) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicAdmin.EVENT_MAX_MESSAGE_BYTES);
    AtomicReference<Exception> failure = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (ProducerRecord<byte[], byte[]> r : records) {
        producer.send(
            r,
            (m, e) -> {
              if (e != null) {
                failure.compareAndSet(null, e);
              }
            });
      }
      producer.flush();
    }
    if (failure.get() != null) {
      throw new IllegalStateException(
          "producing benchmark input failed: " + failure.get(), failure.get());
    }
  }

  private static long consumeAll(String bootstrap, List<String> topicNames, long expected) {
    Properties p = consumerProps(bootstrap);
    long n = 0;
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (String t : topicNames) {
        c.partitionsFor(t, Duration.ofSeconds(10))
            .forEach(i -> parts.add(new TopicPartition(t, i.partition())));
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (n < expected && System.nanoTime() < deadline) {
        n += c.poll(Duration.ofMillis(100)).count();
      }
    }
    return n;
  }

  /**
   * Reads the input records back (raw topics, written before) while producing {@code outputs} to a
   * fresh topic of their own, in two threads; returns the seconds until both are done.
   */
  private static double floorPass(
      String bootstrap,
      String run,
      List<String> rawInputs,
      long inputRecords,
      List<ProducerRecord<byte[], byte[]>> outputs,
      int partitions)
      throws Exception {
    String floorTopic = "bench-floor-" + run + ".outputs";
    TopicAdmin.ensure(
        bootstrap,
        List.of(new TopicSpec(floorTopic, partitions, (short) 1, Map.of())),
        Duration.ofSeconds(30));
    awaitLeaders(bootstrap, List.of(floorTopic), Duration.ofSeconds(30));
    List<ProducerRecord<byte[], byte[]>> renamed =
        outputs.stream()
            .map(
                r ->
                    new ProducerRecord<>(
                        floorTopic, r.partition() % partitions, r.timestamp(), r.key(), r.value()))
            .toList();
    long t0 = System.nanoTime();
    CompletableFuture<Long> read =
        CompletableFuture.supplyAsync(() -> consumeAll(bootstrap, rawInputs, inputRecords));
    produce(bootstrap, renamed);
    long consumed = read.get();
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (consumed != inputRecords) {
      throw new IllegalStateException(
          "floor consume read " + consumed + " of " + inputRecords + " records");
    }
    return seconds;
  }

  /** The app's changelog topics (its state stores' changes). */
  private static List<String> changelogTopics(String bootstrap, String applicationId)
      throws Exception {
    try (Admin admin = admin(bootstrap)) {
      return admin.listTopics().names().get().stream()
          .filter(t -> t.startsWith(applicationId + "-") && t.endsWith("-changelog"))
          .sorted()
          .toList();
    }
  }

  /**
   * Every committed record of {@code topic}, as a record to produce again (same partition,
   * timestamp, key, value).
   */
  private static List<ProducerRecord<byte[], byte[]>> readCommitted(
      String bootstrap, String topic) {
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
    forEachCommitted(
        bootstrap,
        topic,
        r ->
            out.add(new ProducerRecord<>(topic, r.partition(), r.timestamp(), r.key(), r.value())));
    return out;
  }

  private static long bytes(List<ProducerRecord<byte[], byte[]>> records) {
    long n = 0;
    for (ProducerRecord<byte[], byte[]> r : records) {
      n += (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
    }
    return n;
  }

  private static long countRecords(String bootstrap, String topic) {
    long[] n = {0};
    forEachCommitted(bootstrap, topic, r -> n[0]++);
    return n[0];
  }

  /**
   * Hands every committed record of {@code topic}, from the beginning to its current end, to {@code
   * each}.
   */
  private static void forEachCommitted(
      String bootstrap, String topic, Consumer<ConsumerRecord<byte[], byte[]>> each) {
    Properties p = consumerProps(bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          c.partitionsFor(topic, Duration.ofSeconds(10)).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))
          && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(100)).forEach(each);
      }
    }
  }

  static Admin admin(String bootstrap) {
    return Admin.create(
        Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  private static Properties consumerProps(String bootstrap) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    return p;
  }

  private static void waitForPassages(String bootstrap, String topic, long n)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (countRecords(bootstrap, topic) < n) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the corpus did not reach " + topic + " within 5 minutes");
      }
      Thread.sleep(500);
    }
  }

  /**
   * Waits until every partition of {@code topicNames} answers a list-offsets request, i.e. its
   * leader serves it. A produce to a topic created a moment ago can otherwise meet
   * NOT_LEADER_OR_FOLLOWER, and the idempotent producer's retry of that first batch can then stall
   * on OUT_OF_ORDER_SEQUENCE_NUMBER.
   */
  private static void awaitLeaders(String bootstrap, List<String> topicNames, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = admin(bootstrap)) {
      Map<TopicPartition, OffsetSpec> latest = latestOf(admin, topicNames);
      while (true) {
        try {
          admin.listOffsets(latest).all().get();
          return;
        } catch (ExecutionException e) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(
                "partitions of " + topicNames + " have no serving leader after " + timeout, e);
          }
          Thread.sleep(50);
        }
      }
    }
  }

  /**
   * Waits until the group's committed offsets reach the end of every partition of {@code
   * topicNames}.
   */
  static void awaitEnd(String bootstrap, String group, List<String> topicNames, Duration timeout)
      throws Exception {
    awaitEnd(bootstrap, group, topicNames, java.util.Set.of(), timeout);
  }

  /**
   * Waits until the group's committed offsets reach the end of every partition of {@code
   * topicNames}, short of the last record of each partition of the topics in {@code
   * lastRecordExcluded}.
   */
  private static void awaitEnd(
      String bootstrap,
      String group,
      List<String> topicNames,
      java.util.Set<String> lastRecordExcluded,
      Duration timeout)
      throws Exception {
    if (topicNames.isEmpty()) {
      return;
    }
    Map<TopicPartition, Long> end = endOffsets(bootstrap, topicNames);
    try (Admin admin = admin(bootstrap)) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        boolean done =
            end.entrySet().stream()
                .allMatch(
                    e -> {
                      OffsetAndMetadata c = committed.get(e.getKey());
                      long target =
                          e.getValue() - (lastRecordExcluded.contains(e.getKey().topic()) ? 1 : 0);
                      return target <= 0 || (c != null && c.offset() >= target);
                    });
        if (done) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "the streams app did not catch up with " + topicNames + " in " + timeout);
        }
        Thread.sleep(50);
      }
    }
  }

  /** The end offset of every partition of {@code topicNames}, now. */
  static Map<TopicPartition, Long> endOffsets(String bootstrap, List<String> topicNames)
      throws Exception {
    try (Admin admin = admin(bootstrap)) {
      Map<TopicPartition, Long> end = new HashMap<>();
      admin
          .listOffsets(latestOf(admin, topicNames))
          .all()
          .get()
          .forEach((tp, info) -> end.put(tp, info.offset()));
      return end;
    }
  }

  /** A request for the latest offset of every partition of {@code topicNames}. */
  private static Map<TopicPartition, OffsetSpec> latestOf(Admin admin, List<String> topicNames)
      throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    admin
        .describeTopics(topicNames)
        .allTopicNames()
        .get()
        .forEach(
            (t, d) ->
                d.partitions()
                    .forEach(
                        i ->
                            latest.put(new TopicPartition(t, i.partition()), OffsetSpec.latest())));
    return latest;
  }

  /**
   * Bytes on the broker's disk per topic of this run (inputs, outputs, changelogs), largest first.
   */
  private static String logBytes(String bootstrap, String... prefixes) throws Exception {
    try (Admin admin = admin(bootstrap)) {
      Map<String, Long> bytes = new HashMap<>();
      for (var dirs :
          admin
              .describeLogDirs(
                  admin.describeCluster().nodes().get().stream().map(n -> n.id()).toList())
              .allDescriptions()
              .get()
              .values()) {
        for (var dir : dirs.values()) {
          dir.replicaInfos()
              .forEach(
                  (tp, info) -> {
                    for (String prefix : prefixes) {
                      if (tp.topic().startsWith(prefix)) {
                        bytes.merge(tp.topic().substring(prefix.length()), info.size(), Long::sum);
                      }
                    }
                  });
        }
      }
      return bytes.entrySet().stream()
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .map(e -> String.format("%s %.1f MB", e.getKey(), e.getValue() / 1e6))
          .collect(java.util.stream.Collectors.joining(", "));
    }
  }

  /**
   * Waits (at most a minute) until the JIT compilers are nearly idle: on two shared cores the
   * compile queue a warm-up leaves behind would otherwise be worked off during the timed phase,
   * competing with what is being timed.
   */
  private static double awaitQuietJit() throws InterruptedException {
    long start = System.nanoTime();
    long last = jitMillis();
    while (System.nanoTime() - start < Duration.ofMinutes(1).toNanos()) {
      Thread.sleep(1000);
      long now = jitMillis();
      if (now - last < 50) {
        break;
      }
      last = now;
    }
    return (System.nanoTime() - start) / 1e9;
  }

  /**
   * Time the JIT compilers have spent so far: much of it during a run means the code was not warm
   * yet.
   */
  private static long jitMillis() {
    var jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported()
        ? jit.getTotalCompilationTime()
        : 0;
  }

  /**
   * CPU time of this whole JVM (broker included): on a shared machine it says more than wall time
   * alone.
   */
  static long cpuNanos() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
