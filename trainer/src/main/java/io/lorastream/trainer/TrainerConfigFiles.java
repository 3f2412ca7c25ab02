package io.lorastream.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
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
import io.lorastream.trainer.gate.GateMetric;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Reads {@link TrainerSettings} from a {@code .yaml}/{@code .yml} or {@code .properties} file of keys. YAML nesting
 * is flattened with dots ({@code adapters: {scifact: {lr: 1e-3}}} is {@code adapters.scifact.lr}); an adapter
 * named with an empty mapping ({@code adapters: {scifact: {}}}) is configured with the defaults. An unknown key
 * fails, naming it. Durations: {@code 500ms}, {@code 2s}, {@code 5m}, {@code 1h} or ISO-8601.
 *
 * <pre>
 * trainer key            default                   meaning
 * bootstrap              (required)                Kafka bootstrap servers; --bootstrap wins
 * topic_prefix           lorastream.               prefix of every topic name
 * group_id               lorastream-trainer        consumer group of the trainer instances
 * instance_id            lorastream-trainer-HOST   transactional.id; keep it stable across restarts of an instance
 * base_model             default                   'default' (all-MiniLM-L6-v2) or a Hugging Face folder
 * device                 auto                      auto, cpu or gpu
 * precision              auto                      base precision: auto (fp16 on GPU, fp32 on CPU), fp32, fp16
 * signing_key            $LORASTREAM_SIGNING_KEY   Ed25519 private key PEM file (./lorastream keys generate)
 * checkpoint_key         (derived)                 file with the checkpoint MAC key; else $LORASTREAM_CHECKPOINT_KEY,
 *                                                  else derived from the signing key
 * commit_every_steps     20                        commit point after this many optimizer steps ...
 * commit_interval        2s                        ... or after this long with uncommitted work
 * keep_versions          5                         versions kept per adapter; older ones are tombstoned
 * batch_max_wait         1s                        train a partial batch when its oldest pair waited this long (0 = never)
 * holdout_fraction       0.1                       share of queries held out for the quality gate
 * holdout_max_queries    1000                      held-out queries kept per adapter (oldest dropped)
 * eval_pool_max_docs     5000                      documents kept in an adapter's evaluation pool
 * unknown_adapters       train                     train (with adapter_defaults) or skip adapters not configured
 * max_adapters           16                        adapters one instance trains at most; pairs beyond are skipped
 * document_cache_size    50000                     base document embeddings kept in memory
 * follow_documents       true                      read the documents topic: the gate knows every document
 * create_topics          true                      create missing topics at start
 * partitions             3                         partitions of topics the trainer creates
 * replication_factor     3                         replicas of topics the trainer creates (capped at the broker count)
 * min_insync_replicas    2                         min.insync.replicas of topics the trainer creates
 * max_record_bytes       67108864                  largest adapter/checkpoint record (producer, topics, consumers)
 * transaction_timeout    60s                       how long a crashed instance's open transaction can block readers
 * max_text_chars         auto                      longest pair text (chars); auto = 64 x the adapter's max_seq_length
 * max_pair_weight        100                       largest pair weight (also a finite float >= 1.2e-38)
 * max_pair_negatives     64                        most negatives a pair may carry
 * max_shown_docs         1000                      most shown doc ids a pair may carry
 * max_id_chars           256                       longest doc, impression, query or event id
 * max_pending_pairs      256                       pairs waiting per adapter; at the bound the partition pauses
 * known_positive_queries 50000                     queries whose known positives an adapter keeps
 * known_positives_per_query 64                     known positives kept per query
 * checkpoint_max_json_bytes 1073741824             largest inflated JSON part of a checkpoint
 * metrics_port           9420                      /metrics port; 0 = any free port, -1 = none
 * kafka.NAME             -                         any Kafka client property (security included), applied last
 * adapter_defaults.KEY   (below)                   adapter settings for every adapter
 * adapters.NAME.KEY      (adapter_defaults)        settings of adapter NAME; naming it configures it
 *
 * adapter key            default      meaning (AutoTrain's name where it has one)
 * loss                   mnrl         mnrl, triplet, contrastive, cosine or matryoshka
 * loss_scale             20           MNRL scale (1 / temperature)
 * triplet_distance       euclidean    euclidean or cosine
 * triplet_margin         5 / 0.5      triplet margin (default by distance)
 * contrastive_margin     0.5          contrastive loss margin
 * matryoshka_loss        mnrl         the loss matryoshka wraps
 * matryoshka_dims        384,256,128,64
 * lora_r                 8            LoRA rank
 * lora_alpha             16           LoRA alpha (scaling alpha / r)
 * lora_dropout           0.1          dropout on the LoRA input
 * target_modules         query,value  of query, key, value, attention_output, ffn_in, ffn_out
 * use_rslora             false        scaling alpha / sqrt(r)
 * lora_plus_ratio        1            LoRA+: learning rate of B over A
 * lr                     1e-3         AdamW learning rate
 * warmup_steps           10           linear warmup steps
 * warmup_ratio           -            warmup as a share of total_steps (needs total_steps)
 * scheduler              constant     after warmup: constant or linear (decay to 0 at total_steps)
 * total_steps            0            for scheduler linear
 * weight_decay           0.01         AdamW decoupled weight decay
 * optimizer              adamw        the only one
 * batch_size             16           pairs per forward/backward pass (and in-batch negatives)
 * gradient_accumulation  1            passes per optimizer step
 * max_seq_length         256          tokens per text
 * mixed_precision        auto         fp16 with float32 masters when the base is fp16; fp16 or none to force
 * mode                   query        query (documents keep base embeddings) or both
 * seed                   42           LoRA init, dropout, replay sampling
 * replay_fraction        0.5          share of each step's pairs replayed from earlier ones
 * replay_buffer          4096         earlier pairs kept for replay (uniform sample)
 * max_negatives          4            hard negatives used per pair
 * ema_decay              0.9          the gate judges and publishes a moving average of the weights (0 = as trained)
 * gate_min_gain          -0.005       the lower bound of the candidate's nDCG@10 gain over the base must be above this
 * gate_tolerance         0.005        refused when the upper bound of its gain over the published version is below -this
 *                                     (inf = no gate: every candidate is published)
 * gate_confidence        0.95         one-sided confidence of both bounds (paired bootstrap over held-out queries)
 * gate_metric            condensed    condensed (nDCG@10 on judged documents) or full (unjudged ones count as misses)
 * gate_min_queries       30           held-out queries needed before anything is published
 * eval_dataset           -            a BEIR folder to evaluate on instead of the held-out slice
 * eval_split             test         its split
 * </pre>
 */
public final class TrainerConfigFiles {

  static final List<String> ADAPTER_KEYS =
      List.of(
          "loss", "loss_scale", "triplet_distance", "triplet_margin", "contrastive_margin", "matryoshka_loss",
          "matryoshka_dims", "lora_r", "lora_alpha", "lora_dropout", "target_modules", "use_rslora", "lora_plus_ratio",
          "lr", "warmup_steps", "warmup_ratio", "scheduler", "total_steps", "weight_decay", "optimizer", "batch_size",
          "gradient_accumulation", "max_seq_length", "mixed_precision", "mode", "seed", "replay_fraction",
          "replay_buffer", "max_negatives", "ema_decay", "gate_tolerance", "gate_min_queries", "gate_confidence",
          "gate_min_gain", "gate_metric",
          "eval_dataset", "eval_split");

  private static final String DECLARED = "\u0000declared";

  private TrainerConfigFiles() {}

  /** Reads a {@code .properties}, {@code .yaml} or {@code .yml} file. */
  public static TrainerSettings load(Path file) {
    return load(file, Map.of());
  }

  /** Reads a file, then lays {@code overrides} (e.g. from the command line) over its keys. */
  public static TrainerSettings load(Path file, Map<String, String> overrides) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("config file " + file + " does not exist or is not a file");
    }
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    Map<String, String> flat = new LinkedHashMap<>();
    try (Reader reader = Files.newBufferedReader(file)) {
      if (name.endsWith(".yaml") || name.endsWith(".yml")) {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(reader);
        if (root != null && !root.isNull() && !root.isMissingNode()) {
          if (!root.isObject()) {
            throw new IllegalArgumentException("config file " + file + " must hold a YAML mapping of keys");
          }
          flatten("", root, flat);
        }
      } else if (name.endsWith(".properties")) {
        Properties props = new Properties();
        props.load(reader);
        props.stringPropertyNames().forEach(k -> flat.put(k, props.getProperty(k).strip()));
      } else {
        throw new IllegalArgumentException("config file " + file + " must end in .properties, .yaml or .yml");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage(), e);
    }
    flat.putAll(overrides);
    try {
      return fromMap(flat);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("config file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Builds settings from flat keys; absent keys take their defaults. */
  public static TrainerSettings fromMap(Map<String, String> input) {
    return parse(input, new java.util.TreeSet<>());
  }

  /** Every trainer key the reader asks for; {@code prefix*} for the prefixes (kafka., adapters., ...). */
  static java.util.Set<String> keysRead() {
    java.util.Set<String> keys = new java.util.TreeSet<>();
    parse(Map.of("bootstrap", "localhost:9092"), keys);
    return keys;
  }

  /** Every adapter key the reader asks for. */
  static java.util.Set<String> adapterKeysRead() {
    java.util.Set<String> keys = new java.util.TreeSet<>();
    adapter(Map.of(), "adapter_defaults", keys);
    return keys;
  }

  private static TrainerSettings parse(Map<String, String> input, java.util.Set<String> asked) {
    ConfigKeys keys = new ConfigKeys(input);
    Map<String, String> defaultsRaw = keys.withPrefix("adapter_defaults.");
    Map<String, Map<String, String>> perAdapter = new TreeMap<>();
    keys.withPrefix("adapters.").forEach((k, v) -> {
      int dot = k.lastIndexOf('.');
      if (v.equals(DECLARED)) {
        perAdapter.computeIfAbsent(k, n -> new TreeMap<>());
      } else if (dot <= 0) {
        throw new IllegalArgumentException("setting adapters." + k + " must be adapters.<adapter>.<key>");
      } else {
        perAdapter.computeIfAbsent(k.substring(0, dot), n -> new TreeMap<>()).put(k.substring(dot + 1), v);
      }
    });
    AdapterSettings defaults = adapter(defaultsRaw, "adapter_defaults");
    Map<String, AdapterSettings> adapters = new TreeMap<>();
    perAdapter.forEach((n, raw) -> {
      Map<String, String> merged = new TreeMap<>(defaultsRaw);
      merged.putAll(raw);
      adapters.put(n, adapter(merged, "adapters." + n));
    });
    TrainerSettings s =
        new TrainerSettings(
            keys.get("bootstrap", "", v -> v),
            new TopicNames(keys.get("topic_prefix", TopicNames.DEFAULT_PREFIX, v -> v)),
            keys.get("group_id", "lorastream-trainer", v -> v),
            keys.get("instance_id", defaultInstanceId(), v -> v),
            keys.get("base_model", "default", v -> v),
            keys.get("device", DeviceSetting.AUTO, DeviceSetting::parse),
            keys.get("precision", null, v -> v.equalsIgnoreCase("auto") ? null : Precision.parse(v)),
            keys.get("signing_key", null, Path::of),
            keys.get("checkpoint_key", null, Path::of),
            keys.get("commit_every_steps", 20, Integer::parseInt),
            keys.get("commit_interval", java.time.Duration.ofSeconds(2), Durations::parse),
            keys.get("keep_versions", 5, Integer::parseInt),
            keys.get("batch_max_wait", java.time.Duration.ofSeconds(1), Durations::parse),
            keys.get("holdout_fraction", 0.1, Double::parseDouble),
            keys.get("holdout_max_queries", 1000, Integer::parseInt),
            keys.get("eval_pool_max_docs", 5000, Integer::parseInt),
            keys.get("unknown_adapters", UnknownAdapters.TRAIN, UnknownAdapters::parse),
            keys.get("max_adapters", 16, Integer::parseInt),
            keys.get("document_cache_size", 50_000, Integer::parseInt),
            keys.get("follow_documents", true, ConfigKeys::bool),
            keys.get("create_topics", true, ConfigKeys::bool),
            keys.get("partitions", 3, Integer::parseInt),
            keys.get("replication_factor", TopicReplication.DEFAULT.factor(), Short::parseShort),
            keys.get("min_insync_replicas", TopicReplication.DEFAULT.minInsyncReplicas(), Integer::parseInt),
            keys.get("max_record_bytes", TrainerSettings.DEFAULT_MAX_RECORD_BYTES, Integer::parseInt),
            keys.get("transaction_timeout", java.time.Duration.ofSeconds(60), Durations::parse),
            limits(keys),
            keys.get("metrics_port", 9420, Integer::parseInt),
            keys.withPrefix("kafka."),
            defaults,
            adapters);
    keys.failOnUnused();
    asked.addAll(keys.asked());
    return s;
  }

  private static TrainerLimits limits(ConfigKeys keys) {
    TrainerLimits d = TrainerLimits.DEFAULTS;
    return new TrainerLimits(
        keys.get("max_text_chars", d.maxTextChars(), v -> v.equalsIgnoreCase("auto") ? null : Integer.valueOf(v)),
        keys.get("max_pair_weight", d.maxPairWeight(), Double::parseDouble),
        keys.get("max_pair_negatives", d.maxPairNegatives(), Integer::parseInt),
        keys.get("max_shown_docs", d.maxShownDocs(), Integer::parseInt),
        keys.get("max_id_chars", d.maxIdChars(), Integer::parseInt),
        keys.get("max_pending_pairs", d.maxPendingPairs(), Integer::parseInt),
        keys.get("known_positive_queries", d.knownPositiveQueries(), Integer::parseInt),
        keys.get("known_positives_per_query", d.knownPositivesPerQuery(), Integer::parseInt),
        keys.get("checkpoint_max_json_bytes", d.checkpointMaxJsonBytes(), Long::parseLong));
  }

  /** The defaults, on {@code bootstrap}. */
  public static TrainerSettings defaults(String bootstrap) {
    return fromMap(Map.of("bootstrap", bootstrap));
  }

  public static AdapterSettings adapter(Map<String, String> raw, String where) {
    return adapter(raw, where, new java.util.TreeSet<>());
  }

  private static AdapterSettings adapter(Map<String, String> raw, String where, java.util.Set<String> asked) {
    ConfigKeys k = new ConfigKeys(raw);
    AdapterSettings d = AdapterSettings.DEFAULTS;
    try {
      LossConfig loss = loss(k);
      LoraConfig lora =
          new LoraConfig(
              k.get("lora_r", d.lora().rank(), Integer::parseInt),
              k.get("lora_alpha", d.lora().alpha(), Double::parseDouble),
              k.get("lora_dropout", d.lora().dropout(), Double::parseDouble),
              k.get("target_modules", d.lora().targets(), TrainerConfigFiles::targets),
              k.get("use_rslora", d.lora().useRslora(), ConfigKeys::bool));
      String optimizer = k.get("optimizer", "adamw", v -> v.toLowerCase(Locale.ROOT));
      if (!optimizer.equals("adamw")) {
        throw new IllegalArgumentException("optimizer must be adamw (the only one), got '" + optimizer + "'");
      }
      AdapterSettings s =
          new AdapterSettings(
              loss,
              lora,
              k.get("lora_plus_ratio", d.loraPlusRatio(), Double::parseDouble),
              k.get("lr", d.learningRate(), Double::parseDouble),
              schedule(k, d.schedule()),
              k.get("weight_decay", d.weightDecay(), Double::parseDouble),
              k.get("batch_size", d.batchSize(), Integer::parseInt),
              k.get("gradient_accumulation", d.gradientAccumulation(), Integer::parseInt),
              k.get("max_seq_length", d.maxSeqLength(), Integer::parseInt),
              k.get("mixed_precision", d.mixedPrecision(), MixedPrecision::parse),
              k.get("mode", d.mode(), AdaptationMode::parse),
              k.get("seed", d.seed(), Long::parseLong),
              k.get("replay_fraction", d.replayFraction(), Double::parseDouble),
              k.get("replay_buffer", d.replayBufferSize(), Integer::parseInt),
              k.get("max_negatives", d.maxNegatives(), Integer::parseInt),
              k.get("ema_decay", d.emaDecay(), Double::parseDouble),
              new GateSettings(
                  k.get("gate_tolerance", d.gate().tolerance(), TrainerConfigFiles::tolerance),
                  k.get("gate_min_queries", d.gate().minQueries(), Integer::parseInt),
                  k.get("gate_confidence", d.gate().confidence(), Double::parseDouble),
                  k.get("gate_min_gain", d.gate().minGain(), Double::parseDouble),
                  k.get("gate_metric", d.gate().metric(), GateMetric::parse),
                  k.get("eval_dataset", d.gate().evalDataset(), Path::of),
                  k.get("eval_split", d.gate().evalSplit(), v -> v)));
      k.failOnUnused();
      asked.addAll(k.asked());
      return s;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  private static LossConfig loss(ConfigKeys k) {
    LossKind kind = k.get("loss", LossKind.MNRL, LossKind::parse);
    LossKind inner = k.get("matryoshka_loss", null, LossKind::parse);
    LossConfig base = LossConfig.defaults(kind == LossKind.MATRYOSHKA ? (inner == null ? LossKind.MNRL : inner) : kind);
    if (kind != LossKind.MATRYOSHKA && inner != null) {
      throw new IllegalArgumentException("matryoshka_loss is set but loss is " + kind.configName() + "; set loss matryoshka");
    }
    base = base.withScale(k.get("loss_scale", base.scale(), Double::parseDouble));
    TripletDistance distance = k.get("triplet_distance", base.tripletDistance(), TripletDistance::parse);
    base = base.withTriplet(distance, k.get("triplet_margin", distance.defaultMargin(), Double::parseDouble));
    base = base.withContrastiveMargin(k.get("contrastive_margin", base.contrastiveMargin(), Double::parseDouble));
    List<Integer> dims = k.get("matryoshka_dims", LossConfig.DEFAULT_MATRYOSHKA_DIMS, TrainerConfigFiles::intList);
    return kind == LossKind.MATRYOSHKA ? LossConfig.matryoshka(base, dims, null) : base;
  }

  private static LearningRateSchedule schedule(ConfigKeys k, LearningRateSchedule d) {
    String scheduler = k.get("scheduler", "constant", v -> v.toLowerCase(Locale.ROOT));
    long total = k.get("total_steps", 0L, Long::parseLong);
    Double ratio = k.get("warmup_ratio", null, Double::parseDouble);
    Long steps = k.get("warmup_steps", null, Long::parseLong);
    if (ratio != null && steps != null) {
      throw new IllegalArgumentException("set warmup_steps or warmup_ratio, not both");
    }
    long warmup = steps != null ? steps : d.warmupSteps();
    if (ratio != null) {
      if (!(ratio >= 0 && ratio < 1) || total <= 0) {
        throw new IllegalArgumentException(
            "warmup_ratio (" + ratio + ") must be in [0, 1) and needs total_steps > 0 (a continual trainer has no end;"
                + " use warmup_steps otherwise), got total_steps " + total);
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
    return Arrays.stream(csv.split(",")).map(String::strip).filter(s -> !s.isEmpty()).map(Integer::parseInt).toList();
  }

  private static double tolerance(String v) {
    String s = v.strip().toLowerCase(Locale.ROOT);
    return s.equals("inf") || s.equals("infinity") ? Double.POSITIVE_INFINITY : Double.parseDouble(s);
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

  private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
    if (node.isObject()) {
      if (node.isEmpty() && !prefix.isEmpty()) {
        out.put(prefix.substring(0, prefix.length() - 1), DECLARED);
      }
      node.fields().forEachRemaining(e -> flatten(prefix + e.getKey() + ".", e.getValue(), out));
    } else if (node.isArray()) {
      StringBuilder csv = new StringBuilder();
      node.forEach(item -> csv.append(csv.length() == 0 ? "" : ",").append(item.asText()));
      out.put(prefix.substring(0, prefix.length() - 1), csv.toString());
    } else if (!node.isNull()) {
      out.put(prefix.substring(0, prefix.length() - 1), node.asText());
    }
  }
}
