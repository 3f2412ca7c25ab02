package io.lorastream.trainer;

import io.lorastream.model.adapter.AdaptationMode;
import io.lorastream.model.lora.LoraConfig;
import io.lorastream.model.lora.LoraTarget;
import io.lorastream.model.loss.LossConfig;
import io.lorastream.model.loss.LossKind;
import io.lorastream.model.loss.TripletDistance;
import io.lorastream.model.optim.LearningRateSchedule;
import io.lorastream.model.runtime.DeviceSetting;
import io.lorastream.model.runtime.Precision;
import io.lorastream.schemas.TopicNames;
import io.lorastream.schemas.TopicReplication;
import io.lorastream.service.Booleans;
import io.lorastream.service.Durations;
import io.lorastream.service.Settings;
import io.lorastream.service.SettingsFile;
import io.lorastream.trainer.gate.GateMetric;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads {@link TrainerSettings} from a {@code .yaml}/{@code .yml} or {@code .properties} file of
 * keys. YAML nesting is flattened with dots ({@code adapters: {scifact: {lr: 1e-3}}} is {@code
 * adapters.scifact.lr}); an adapter named with an empty mapping ({@code adapters: {scifact: {}}})
 * is configured with the defaults. The services' one reader ({@link SettingsFile}, {@link
 * Settings}): kebab-case keys (an old snake_case spelling fails naming the new one), durations as
 * {@link Durations}, booleans as {@link Booleans}; an unknown key fails naming the nearest one.
 *
 * <pre>
 * trainer key            default                   meaning
 * bootstrap              (required)                Kafka bootstrap servers; --bootstrap wins
 * topic-prefix           lorastream.               prefix of every topic name
 * group-id               lorastream-trainer        consumer group of the trainer instances
 * instance-id            lorastream-trainer-HOST   transactional.id; keep it stable across restarts of an instance
 * base-model             default                   'default' (all-MiniLM-L6-v2) or a Hugging Face folder
 * device                 auto                      auto, cpu or gpu
 * precision              auto                      base precision: auto (fp16 on GPU, fp32 on CPU), fp32, fp16
 * signing-key            $LORASTREAM_SIGNING_KEY   Ed25519 private key PEM file (./lorastream keys generate)
 * checkpoint-key         (derived)                 file with the checkpoint MAC key; else $LORASTREAM_CHECKPOINT_KEY,
 *                                                  else derived from the signing key
 * commit-every-steps     20                        commit point after this many optimizer steps ...
 * commit-interval        2s                        ... or after this long with uncommitted work
 * keep-versions          5                         versions kept per adapter; older ones are tombstoned
 * batch-max-wait         1s                        train a partial batch when its oldest pair waited this long (0 = never)
 * holdout-fraction       0.1                       share of queries held out for the quality gate
 * holdout-max-queries    1000                      held-out queries kept per adapter (oldest dropped)
 * eval-pool-max-docs     5000                      documents kept in an adapter's evaluation pool
 * unknown-adapters       train                     train (with adapter-defaults) or skip adapters not configured
 * max-adapters           16                        adapters one instance trains at most; pairs beyond are skipped
 * document-cache-size    50000                     base document embeddings kept in memory
 * follow-documents       true                      read the documents topic: the gate knows every document
 * create-topics          true                      create missing topics at start
 * partitions             3                         partitions of topics the trainer creates
 * replication-factor     3                         replicas of topics the trainer creates (capped at the broker count)
 * min-insync-replicas    2                         min.insync.replicas of topics the trainer creates
 * max-record-bytes       67108864                  largest adapter/checkpoint record (producer, topics, consumers)
 * transaction-timeout    60s                       how long a crashed instance's open transaction can block readers
 * max-text-chars         auto                      longest pair text (chars); auto = 64 x the adapter's max-seq-length
 * max-pair-weight        100                       largest pair weight (also a finite float >= 1.2e-38)
 * max-pair-negatives     64                        most negatives a pair may carry
 * max-shown-docs         1000                      most shown doc ids a pair may carry
 * max-id-chars           256                       longest doc, impression, query or event id
 * max-pending-pairs      256                       pairs waiting per adapter; at the bound the partition pauses
 * known-positive-queries 50000                     queries whose known positives an adapter keeps
 * known-positives-per-query 64                     known positives kept per query
 * checkpoint-max-json-bytes 1073741824             largest inflated JSON part of a checkpoint
 * metrics-port           9420                      /metrics port; 0 = any free port, -1 = none
 * kafka.NAME             -                         any Kafka client property (security included), applied last
 * adapter-defaults.KEY   (below)                   adapter settings for every adapter
 * adapters.NAME.KEY      (adapter-defaults)        settings of adapter NAME; naming it configures it
 *
 * adapter key            default      meaning (AutoTrain's name where it has one)
 * loss                   mnrl         mnrl, triplet, contrastive, cosine or matryoshka
 * loss-scale             20           MNRL scale (1 / temperature)
 * triplet-distance       euclidean    euclidean or cosine
 * triplet-margin         5 / 0.5      triplet margin (default by distance)
 * contrastive-margin     0.5          contrastive loss margin
 * matryoshka-loss        mnrl         the loss matryoshka wraps
 * matryoshka-dims        384,256,128,64
 * lora-r                 8            LoRA rank
 * lora-alpha             16           LoRA alpha (scaling alpha / r)
 * lora-dropout           0.1          dropout on the LoRA input
 * target-modules         query,value  of query, key, value, attention_output, ffn_in, ffn_out
 * use-rslora             false        scaling alpha / sqrt(r)
 * lora-plus-ratio        1            LoRA+: learning rate of B over A
 * lr                     1e-3         AdamW learning rate
 * warmup-steps           10           linear warmup steps
 * warmup-ratio           -            warmup as a share of total-steps (needs total-steps)
 * scheduler              constant     after warmup: constant or linear (decay to 0 at total-steps)
 * total-steps            0            for scheduler linear
 * weight-decay           0.01         AdamW decoupled weight decay
 * optimizer              adamw        the only one
 * batch-size             16           pairs per forward/backward pass (and in-batch negatives)
 * gradient-accumulation  1            passes per optimizer step
 * max-seq-length         256          tokens per text
 * mixed-precision        auto         fp16 with float32 masters when the base is fp16; fp16 or none to force
 * mode                   query        query (documents keep base embeddings) or both
 * seed                   42           LoRA init, dropout, replay sampling
 * replay-fraction        0.5          share of each step's pairs replayed from earlier ones
 * replay-buffer          4096         earlier pairs kept for replay (uniform sample)
 * max-negatives          4            hard negatives used per pair
 * ema-decay              0.9          the gate judges and publishes a moving average of the weights (0 = as trained)
 * gate-min-gain          0            the lower bound of the candidate's nDCG@10 gain over the base must be above this
 * gate-tolerance         0.005        refused when the upper bound of its gain over the published version is below -this
 *                                     (inf = no gate: every candidate is published)
 * gate-confidence        0.95         one-sided confidence of both bounds (paired bootstrap over held-out queries)
 * gate-metric            condensed    condensed (nDCG@10 on judged documents) or full (unjudged ones count as misses)
 * gate-min-queries       30           held-out queries needed before anything is published
 * eval-dataset           -            a BEIR folder to evaluate on instead of the held-out slice
 * eval-split             test         its split
 * </pre>
 */
public final class TrainerConfigFiles {

  private TrainerConfigFiles() {}

  /** Reads a {@code .properties}, {@code .yaml} or {@code .yml} file. */
  public static TrainerSettings load(Path file) {
    return load(file, Map.of());
  }

  /** Reads a file, then lays {@code overrides} (e.g. from the command line) over its keys. */
  public static TrainerSettings load(Path file, Map<String, String> overrides) {
    return SettingsFile.load(file, overrides, TrainerConfigFiles::parse);
  }

  /** Builds settings from flat keys; absent keys take their defaults. */
  public static TrainerSettings fromMap(Map<String, String> input) {
    return parse(Settings.of(input));
  }

  /**
   * Every trainer key the reader asks for; {@code prefix*} for the prefixes (kafka., adapters.,
   * ...).
   */
  static java.util.Set<String> keysRead() {
    Settings keys = Settings.of(Map.of("bootstrap", "localhost:9092"));
    parse(keys);
    return keys.asked();
  }

  /** Every adapter key the reader asks for. */
  static java.util.Set<String> adapterKeysRead() {
    Settings keys = Settings.of(Map.of());
    adapter(keys, "adapter-defaults");
    return keys.asked();
  }

  private static TrainerSettings parse(Settings keys) {
    Map<String, String> defaultsRaw = keys.withPrefix("adapter-defaults.");
    Map<String, Map<String, String>> perAdapter = new TreeMap<>();
    keys.emptySectionsUnder("adapters.")
        .forEach(n -> perAdapter.computeIfAbsent(n, x -> new TreeMap<>()));
    keys.withPrefix("adapters.")
        .forEach(
            (k, v) -> {
              int dot = k.lastIndexOf('.');
              if (dot <= 0) {
                throw new IllegalArgumentException(
                    "setting adapters." + k + " must be adapters.<adapter>.<key>");
              } else {
                perAdapter
                    .computeIfAbsent(k.substring(0, dot), n -> new TreeMap<>())
                    .put(k.substring(dot + 1), v);
              }
            });
    AdapterSettings defaults = adapter(defaultsRaw, "adapter-defaults");
    Map<String, AdapterSettings> adapters = new TreeMap<>();
    perAdapter.forEach(
        (n, raw) -> {
          Map<String, String> merged = new TreeMap<>(defaultsRaw);
          merged.putAll(raw);
          adapters.put(n, adapter(merged, "adapters." + n));
        });
    TrainerSettings s =
        new TrainerSettings(
            keys.get("bootstrap", "", v -> v),
            new TopicNames(keys.get("topic-prefix", TopicNames.DEFAULT_PREFIX, v -> v)),
            keys.get("group-id", "lorastream-trainer", v -> v),
            keys.get("instance-id", defaultInstanceId(), v -> v),
            keys.get("base-model", "default", v -> v),
            keys.get("device", DeviceSetting.AUTO, DeviceSetting::parse),
            keys.get(
                "precision", null, v -> v.equalsIgnoreCase("auto") ? null : Precision.parse(v)),
            keys.get("signing-key", null, Path::of),
            keys.get("checkpoint-key", null, Path::of),
            keys.get("commit-every-steps", 20, Integer::parseInt),
            keys.get("commit-interval", java.time.Duration.ofSeconds(2), Durations::parse),
            keys.get("keep-versions", 5, Integer::parseInt),
            keys.get("batch-max-wait", java.time.Duration.ofSeconds(1), Durations::parse),
            keys.get("holdout-fraction", 0.1, Double::parseDouble),
            keys.get("holdout-max-queries", 1000, Integer::parseInt),
            keys.get("eval-pool-max-docs", 5000, Integer::parseInt),
            keys.get("unknown-adapters", UnknownAdapters.TRAIN, UnknownAdapters::parse),
            keys.get("max-adapters", 16, Integer::parseInt),
            keys.get("document-cache-size", 50_000, Integer::parseInt),
            keys.get("follow-documents", true, Booleans::parse),
            keys.get("create-topics", true, Booleans::parse),
            keys.get("partitions", 3, Integer::parseInt),
            keys.get("replication-factor", TopicReplication.DEFAULT.factor(), Short::parseShort),
            keys.get(
                "min-insync-replicas",
                TopicReplication.DEFAULT.minInsyncReplicas(),
                Integer::parseInt),
            keys.get(
                "max-record-bytes", TrainerSettings.DEFAULT_MAX_RECORD_BYTES, Integer::parseInt),
            keys.get("transaction-timeout", java.time.Duration.ofSeconds(60), Durations::parse),
            limits(keys),
            keys.get("metrics-port", 9420, Integer::parseInt),
            keys.withPrefix("kafka."),
            defaults,
            adapters);
    keys.failOnUnknown();
    return s;
  }

  private static TrainerLimits limits(Settings keys) {
    TrainerLimits d = TrainerLimits.DEFAULTS;
    return new TrainerLimits(
        keys.get(
            "max-text-chars",
            d.maxTextChars(),
            v -> v.equalsIgnoreCase("auto") ? null : Integer.valueOf(v)),
        keys.get("max-pair-weight", d.maxPairWeight(), Double::parseDouble),
        keys.get("max-pair-negatives", d.maxPairNegatives(), Integer::parseInt),
        keys.get("max-shown-docs", d.maxShownDocs(), Integer::parseInt),
        keys.get("max-id-chars", d.maxIdChars(), Integer::parseInt),
        keys.get("max-pending-pairs", d.maxPendingPairs(), Integer::parseInt),
        keys.get("known-positive-queries", d.knownPositiveQueries(), Integer::parseInt),
        keys.get("known-positives-per-query", d.knownPositivesPerQuery(), Integer::parseInt),
        keys.get("checkpoint-max-json-bytes", d.checkpointMaxJsonBytes(), Long::parseLong));
  }

  /** The defaults, on {@code bootstrap}. */
  public static TrainerSettings defaults(String bootstrap) {
    return fromMap(Map.of("bootstrap", bootstrap));
  }

  /**
   * One adapter's settings from its keys ({@code lr}, {@code lora-r}, ...); errors start with
   * {@code where}.
   */
  public static AdapterSettings adapter(Map<String, String> raw, String where) {
    return adapter(Settings.of(raw), where);
  }

  private static AdapterSettings adapter(Settings k, String where) {
    AdapterSettings d = AdapterSettings.DEFAULTS;
    try {
      LossConfig loss = loss(k);
      LoraConfig lora =
          new LoraConfig(
              k.get("lora-r", d.lora().rank(), Integer::parseInt),
              k.get("lora-alpha", d.lora().alpha(), Double::parseDouble),
              k.get("lora-dropout", d.lora().dropout(), Double::parseDouble),
              k.get("target-modules", d.lora().targets(), TrainerConfigFiles::targets),
              k.get("use-rslora", d.lora().useRslora(), Booleans::parse));
      String optimizer = k.get("optimizer", "adamw", v -> v.toLowerCase(Locale.ROOT));
      if (!optimizer.equals("adamw")) {
        throw new IllegalArgumentException(
            "optimizer must be adamw (the only one), got '" + optimizer + "'");
      }
      AdapterSettings s =
          new AdapterSettings(
              loss,
              lora,
              k.get("lora-plus-ratio", d.loraPlusRatio(), Double::parseDouble),
              k.get("lr", d.learningRate(), Double::parseDouble),
              schedule(k, d.schedule()),
              k.get("weight-decay", d.weightDecay(), Double::parseDouble),
              k.get("batch-size", d.batchSize(), Integer::parseInt),
              k.get("gradient-accumulation", d.gradientAccumulation(), Integer::parseInt),
              k.get("max-seq-length", d.maxSeqLength(), Integer::parseInt),
              k.get("mixed-precision", d.mixedPrecision(), MixedPrecision::parse),
              k.get("mode", d.mode(), AdaptationMode::parse),
              k.get("seed", d.seed(), Long::parseLong),
              k.get("replay-fraction", d.replayFraction(), Double::parseDouble),
              k.get("replay-buffer", d.replayBufferSize(), Integer::parseInt),
              k.get("max-negatives", d.maxNegatives(), Integer::parseInt),
              k.get("ema-decay", d.emaDecay(), Double::parseDouble),
              new GateSettings(
                  k.get("gate-tolerance", d.gate().tolerance(), TrainerConfigFiles::tolerance),
                  k.get("gate-min-queries", d.gate().minQueries(), Integer::parseInt),
                  k.get("gate-confidence", d.gate().confidence(), Double::parseDouble),
                  k.get("gate-min-gain", d.gate().minGain(), Double::parseDouble),
                  k.get("gate-metric", d.gate().metric(), GateMetric::parse),
                  k.get("eval-dataset", d.gate().evalDataset(), Path::of),
                  k.get("eval-split", d.gate().evalSplit(), v -> v)));
      k.failOnUnknown();
      return s;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  private static LossConfig loss(Settings k) {
    LossKind kind = k.get("loss", LossKind.MNRL, LossKind::parse);
    LossKind inner = k.get("matryoshka-loss", null, LossKind::parse);
    LossConfig base =
        LossConfig.defaults(
            kind == LossKind.MATRYOSHKA ? (inner == null ? LossKind.MNRL : inner) : kind);
    if (kind != LossKind.MATRYOSHKA && inner != null) {
      throw new IllegalArgumentException(
          "matryoshka-loss is set but loss is " + kind.configName() + "; set loss matryoshka");
    }
    base = base.withScale(k.get("loss-scale", base.scale(), Double::parseDouble));
    TripletDistance distance =
        k.get("triplet-distance", base.tripletDistance(), TripletDistance::parse);
    base =
        base.withTriplet(
            distance, k.get("triplet-margin", distance.defaultMargin(), Double::parseDouble));
    base =
        base.withContrastiveMargin(
            k.get("contrastive-margin", base.contrastiveMargin(), Double::parseDouble));
    List<Integer> dims =
        k.get("matryoshka-dims", LossConfig.DEFAULT_MATRYOSHKA_DIMS, TrainerConfigFiles::intList);
    return kind == LossKind.MATRYOSHKA ? LossConfig.matryoshka(base, dims, null) : base;
  }

  private static LearningRateSchedule schedule(Settings k, LearningRateSchedule d) {
    String scheduler = k.get("scheduler", "constant", v -> v.toLowerCase(Locale.ROOT));
    long total = k.get("total-steps", 0L, Long::parseLong);
    Double ratio = k.get("warmup-ratio", null, Double::parseDouble);
    Long steps = k.get("warmup-steps", null, Long::parseLong);
    if (ratio != null && steps != null) {
      throw new IllegalArgumentException("set warmup-steps or warmup-ratio, not both");
    }
    long warmup = steps != null ? steps : d.warmupSteps();
    if (ratio != null) {
      if (!(ratio >= 0 && ratio < 1) || total <= 0) {
        throw new IllegalArgumentException(
            "warmup-ratio ("
                + ratio
                + ") must be in [0, 1) and needs total-steps > 0 (a continual trainer has no end;"
                + " use warmup-steps otherwise), got total-steps "
                + total);
      }
      warmup = Math.round(ratio * total);
    }
    return switch (LearningRateSchedule.Decay.parse(scheduler)) {
      case CONSTANT -> new LearningRateSchedule(warmup, total, LearningRateSchedule.Decay.CONSTANT);
      case LINEAR -> LearningRateSchedule.warmupThenLinearDecay(warmup, total);
    };
  }

  private static java.util.Set<LoraTarget> targets(String csv) {
    EnumSet<LoraTarget> out = EnumSet.noneOf(LoraTarget.class);
    for (String t : csv.split(",")) {
      if (!t.isBlank()) {
        out.add(LoraTarget.parse(t));
      }
    }
    return out;
  }

  private static List<Integer> intList(String csv) {
    return Arrays.stream(csv.split(","))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .map(Integer::parseInt)
        .toList();
  }

  private static double tolerance(String v) {
    String s = v.strip().toLowerCase(Locale.ROOT);
    return s.equals("inf") || s.equals("infinity")
        ? Double.POSITIVE_INFINITY
        : Double.parseDouble(s);
  }

  static String defaultInstanceId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "localhost";
    }
    return "lorastream-trainer-" + host.replaceAll("[^A-Za-z0-9._-]", "-");
  }
}
