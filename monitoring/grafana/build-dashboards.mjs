// Writes the Grafana dashboards in ./dashboards from the panel lists below: one overview of the loop and one
// dashboard per service. Edit this file, run `node monitoring/grafana/build-dashboards.mjs`, commit both;
// .ci/check-monitoring.sh fails when the JSON files differ from what this script writes.
//
// Every query selects a job (streams-app, trainer, embedding-server: monitoring/prometheus.yml and
// deploy/servicemonitor.yaml) and the services' meters as Prometheus names them
// (lorastream.trainer.steps -> lorastream_trainer_steps_total). Counters that stay absent until their first
// event (refusals, skips, duplicates) are summed "or vector(0)", so their panels show 0 rather than "No data".
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const OUT = join(dirname(fileURLToPath(import.meta.url)), "dashboards");
const DS = { type: "prometheus", uid: "prometheus" };
const R = "$__rate_interval";
const A = 'adapter=~"$adapter"';

/** A query: PromQL and its legend. */
const q = (expr, legend = "") => ({ expr, legend });

/** A time-series panel. */
const ts = (title, unit, queries, description = "") => ({ kind: "timeseries", title, unit, queries, description });

/** A single-number panel. */
const stat = (title, unit, queries, description = "") => ({ kind: "stat", title, unit, queries, description });

const quantile = (p, metric, by, filter = "") =>
  `histogram_quantile(${p}, sum by (le${by ? ", " + by : ""}) (rate(${metric}_bucket${filter ? "{" + filter + "}" : ""}[${R}])))`;

const adapterVariable = {
  name: "adapter",
  label: "adapter",
  type: "query",
  datasource: DS,
  query: { query: "label_values(lorastream_trainer_steps_total, adapter)", refId: "adapter" },
  definition: "label_values(lorastream_trainer_steps_total, adapter)",
  includeAll: true,
  allValue: ".*",
  multi: true,
  current: { selected: true, text: ["All"], value: ["$__all"] },
  refresh: 2,
  sort: 1,
};

const dashboards = [
  {
    uid: "lorastream-overview",
    title: "lorastream: the loop",
    description: "Feedback in, training pairs, LoRA steps, adapter versions published and served.",
    variables: [adapterVariable],
    panels: [
      stat("Feedback events /s", "ops", [q("sum(rate(lorastream_streams_events_in_total[" + R + "]))")],
        "Search events, interactions, labels and documents read by the streams-app."),
      stat("Training pairs /s", "ops", [q("sum(rate(lorastream_streams_pairs_out_total[" + R + "]))")]),
      stat("Training steps /s", "ops", [q(`sum(rate(lorastream_trainer_steps_total{${A}}[${R}]))`)]),
      stat("Published version", "none", [q(`max by (adapter) (lorastream_trainer_published_version{${A}})`, "{{adapter}}")],
        "Newest adapter version the trainer published (since it started)."),
      stat("Served version", "none", [q(`min by (adapter) (lorastream_server_adapter_version{${A}})`, "{{adapter}}")],
        "Oldest version any embedding-server replica serves for the adapter's name."),
      stat("Embedding requests /s", "reqps", [q(`sum(rate(lorastream_server_responses_total{endpoint="embeddings"}[${R}]))`)]),
      ts("Feedback in and pairs out", "ops", [
        q(`sum by (type) (rate(lorastream_streams_events_in_total[${R}]))`, "in: {{type}}"),
        q(`sum by (kind) (rate(lorastream_streams_pairs_out_total[${R}]))`, "pairs: {{kind}}"),
        q(`sum(rate(lorastream_streams_dead_letters_total[${R}]))`, "dead letters"),
      ]),
      ts("Training", "ops", [
        q(`sum by (adapter) (rate(lorastream_trainer_steps_total{${A}}[${R}]))`, "steps {{adapter}}"),
        q(`sum by (adapter, kind) (rate(lorastream_trainer_pairs_total{${A}}[${R}]))`, "pairs {{kind}} {{adapter}}"),
      ]),
      ts("nDCG@10 on the evaluation set", "percentunit", [
        q(`max by (adapter, model) (lorastream_trainer_eval_ndcg10{${A}})`, "{{model}} {{adapter}}"),
      ], "The candidate of the last gate decision next to the version it had to beat."),
      ts("Gate decisions", "short", [
        q(`sum by (adapter, outcome) (increase(lorastream_trainer_gate_total{${A}}[${R}]))`, "{{outcome}} {{adapter}}"),
      ]),
      ts("Versions: published and served", "none", [
        q(`max by (adapter) (lorastream_trainer_published_version{${A}})`, "published {{adapter}}"),
        q(`min by (adapter) (lorastream_server_adapter_version{${A}})`, "served {{adapter}}"),
      ]),
      ts("Freshness and swap", "s", [
        q(`max by (adapter) (lorastream_trainer_freshness_seconds{quantile="0.5", ${A}})`, "freshness p50 {{adapter}}"),
        q(`max by (adapter) (lorastream_trainer_freshness_seconds{quantile="0.99", ${A}})`, "freshness p99 {{adapter}}"),
        q(quantile(0.99, "lorastream_server_adapter_swap_latency_seconds", "adapter", A), "swap p99 {{adapter}}"),
      ], "Freshness: newest pair's event time to the version's publication. Swap: publication to the first response served with it."),
      ts("Embedding requests by status", "reqps", [
        q(`sum by (status) (rate(lorastream_server_responses_total{endpoint="embeddings"}[${R}]))`, "{{status}}"),
      ]),
    ],
  },
  {
    uid: "lorastream-streams-app",
    title: "lorastream: streams-app",
    description: "Feedback events into training pairs: input, dead letters, pairs, latency, Kafka Streams.",
    variables: [],
    panels: [
      ts("Events in by type", "ops", [q(`sum by (type) (rate(lorastream_streams_events_in_total[${R}]))`, "{{type}}")]),
      ts("Dead letters by reason", "ops", [
        q(`sum by (reason) (rate(lorastream_streams_dead_letters_total[${R}]))`, "{{reason}}"),
      ], "Every reason is exported from the start at 0; the dlq records carry the reason and source in headers."),
      ts("Pairs out by adapter and kind", "ops", [
        q(`sum by (adapter, kind) (rate(lorastream_streams_pairs_out_total[${R}]))`, "{{adapter}} {{kind}}"),
      ]),
      ts("Replayed events ignored", "ops", [
        q(`sum by (type) (rate(lorastream_streams_duplicates_total[${R}])) or vector(0)`, "{{type}}"),
      ]),
      ts("Event to pair latency", "s", [
        q(quantile(0.5, "lorastream_streams_event_to_pair_latency_seconds"), "p50"),
        q(quantile(0.95, "lorastream_streams_event_to_pair_latency_seconds"), "p95"),
      ], "Newest source event's time to the pair's emission; includes the impression window's wait."),
      ts("Consumer lag (records)", "short", [
        q('max by (instance) (kafka_consumer_fetch_manager_records_lag_max{job="streams-app", client_id!~".*restore-consumer"})', "{{instance}}"),
      ]),
      ts("Records processed", "ops", [
        q('sum by (instance) (kafka_stream_thread_process_rate{job="streams-app"})', "{{instance}}"),
      ]),
      stat("Live stream threads", "none", [
        q('sum by (instance) (kafka_stream_alive_stream_threads{job="streams-app"})', "{{instance}}"),
      ]),
    ],
  },
  {
    uid: "lorastream-trainer",
    title: "lorastream: trainer",
    description: "Continual LoRA training: steps, loss, throughput, the quality gate, publications, checkpoints.",
    variables: [adapterVariable],
    panels: [
      ts("Steps /s", "ops", [q(`sum by (adapter) (rate(lorastream_trainer_steps_total{${A}}[${R}]))`, "{{adapter}}")]),
      ts("Loss", "none", [q(`max by (adapter) (lorastream_trainer_loss{${A}})`, "{{adapter}}")], "Last training step's loss."),
      ts("Pairs trained /s", "ops", [
        q(`sum by (adapter, kind) (rate(lorastream_trainer_pairs_total{${A}}[${R}]))`, "{{kind}} {{adapter}}"),
        q(`max by (adapter) (lorastream_trainer_pairs_per_second{${A}})`, "per second of training {{adapter}}"),
      ]),
      ts("Batch fill", "percentunit", [
        q(`sum by (adapter) (rate(lorastream_trainer_batch_fill_sum{${A}}[${R}])) / sum by (adapter) (rate(lorastream_trainer_batch_fill_count{${A}}[${R}]))`, "{{adapter}}"),
      ], "New pairs in a step over the pairs that fill it; the rest are replayed."),
      ts("Step duration", "s", [
        q(`sum by (adapter) (rate(lorastream_trainer_step_duration_seconds_sum{${A}}[${R}])) / sum by (adapter) (rate(lorastream_trainer_step_duration_seconds_count{${A}}[${R}]))`, "mean {{adapter}}"),
        q(`max by (adapter) (lorastream_trainer_step_duration_seconds_max{${A}})`, "max {{adapter}}"),
      ]),
      ts("Gate decisions", "short", [
        q(`sum by (adapter, outcome) (increase(lorastream_trainer_gate_total{${A}}[${R}]))`, "{{outcome}} {{adapter}}"),
      ]),
      ts("nDCG@10 on the evaluation set", "percentunit", [
        q(`max by (adapter, model) (lorastream_trainer_eval_ndcg10{${A}})`, "{{model}} {{adapter}}"),
      ]),
      ts("Gate: gain and its confidence bounds", "none", [
        q(`max by (adapter, against) (lorastream_trainer_gate_gain{${A}})`, "gain over {{against}} {{adapter}}"),
        q(`max by (adapter) (lorastream_trainer_gate_gain_lower_bound{${A}, against="base"})`, "lower bound over base {{adapter}}"),
        q(`max by (adapter) (lorastream_trainer_gate_gain_upper_bound{${A}, against="published"})`, "upper bound over published {{adapter}}"),
      ], "Last candidate's mean nDCG@10 gain on the held-out queries over the base and over the published version (the base before the first version), with the bounds the gate compares with gate-min-gain and -gate-tolerance."),
      ts("Gate: evaluation queries and documents", "short", [
        q(`max by (adapter) (lorastream_trainer_gate_queries{${A}})`, "held-out queries {{adapter}}"),
        q(`max by (adapter) (lorastream_trainer_gate_documents{${A}})`, "documents ranked {{adapter}}"),
      ]),
      ts("Published version", "none", [q(`max by (adapter) (lorastream_trainer_published_version{${A}})`, "{{adapter}}")]),
      ts("Freshness", "s", [
        q(`max by (adapter, quantile) (lorastream_trainer_freshness_seconds{${A}})`, "p{{quantile}} {{adapter}}"),
      ], "Event time of the newest pair in a version to its publication."),
      ts("Record sizes", "bytes", [
        q(`max by (adapter) (lorastream_trainer_adapter_bytes_max{${A}})`, "adapter version {{adapter}}"),
        q(`max by (adapter) (lorastream_trainer_checkpoint_bytes_max{${A}})`, "checkpoint {{adapter}}"),
      ]),
      ts("Commits", "s", [
        q(`sum by (outcome) (rate(lorastream_trainer_commit_duration_seconds_sum[${R}])) / sum by (outcome) (rate(lorastream_trainer_commit_duration_seconds_count[${R}]))`, "mean {{outcome}}"),
        q(`sum by (outcome) (rate(lorastream_trainer_commit_duration_seconds_count[${R}]))`, "per second {{outcome}}"),
      ]),
      ts("Pairs held out, skipped, refused records", "short", [
        q(`sum by (adapter) (increase(lorastream_trainer_pairs_held_out_total{${A}}[${R}]))`, "held out {{adapter}}"),
        q(`sum by (reason) (increase(lorastream_trainer_pairs_skipped_total[${R}])) or vector(0)`, "skipped {{reason}}"),
        q(`sum by (adapter, record) (increase(lorastream_trainer_records_refused_total[${R}])) or vector(0)`, "refused {{record}} {{adapter}}"),
      ]),
      ts("Dead letters, refused checkpoints, skipped steps", "short", [
        q(`sum by (reason) (increase(lorastream_trainer_dead_letters_total[${R}])) or vector(0)`, "dead letter {{reason}}"),
        q(`sum by (reason) (increase(lorastream_trainer_checkpoints_refused_total[${R}])) or vector(0)`, "checkpoint refused {{reason}}"),
        q(`sum by (to) (increase(lorastream_trainer_checkpoint_fallbacks_total[${R}])) or vector(0)`, "fell back to {{to}}"),
        q(`sum by (adapter) (increase(lorastream_trainer_steps_skipped_total{${A}}[${R}])) or vector(0)`, "step skipped {{adapter}}"),
      ], "Pairs sent to the dead-letter topic (undecodable or over a limit), checkpoints refused on restore and what their adapters fell back to, steps skipped for a non-finite loss or gradient."),
      ts("Back-pressure", "short", [
        q(`max by (adapter) (lorastream_trainer_pending_pairs{${A}})`, "pending {{adapter}}"),
        q(`max(lorastream_trainer_partitions_paused)`, "partitions paused"),
        q(`sum(increase(lorastream_trainer_consumer_pauses_total[${R}])) or vector(0)`, "pauses"),
      ], "Pairs waiting for a step (max-pending-pairs bounds them; at the bound the partition pauses until half are trained)."),
    ],
  },
  {
    uid: "lorastream-embedding-server",
    title: "lorastream: embedding-server",
    description: "The embeddings API: traffic, latency, batching, adapter versions in use, swaps and refusals.",
    variables: [adapterVariable],
    panels: [
      ts("Responses by endpoint and status", "reqps", [
        q(`sum by (endpoint, status) (rate(lorastream_server_responses_total[${R}]))`, "{{endpoint}} {{status}}"),
      ]),
      ts("Embedding latency", "s", [
        q(quantile(0.5, "lorastream_server_request_latency_seconds", "model"), "p50 {{model}}"),
        q(quantile(0.99, "lorastream_server_request_latency_seconds", "model"), "p99 {{model}}"),
      ]),
      ts("Texts per forward pass", "short", [
        q(`sum(rate(lorastream_server_batch_size_texts_sum[${R}])) / sum(rate(lorastream_server_batch_size_texts_count[${R}]))`, "mean"),
        q(quantile(0.95, "lorastream_server_batch_size_texts"), "p95"),
      ]),
      ts("Queue depth", "short", [q('sum by (instance) (lorastream_server_queue_depth{job="embedding-server"})', "{{instance}}")]),
      ts("Adapter version in use", "none", [
        q(`max by (instance, adapter) (lorastream_server_adapter_version{${A}})`, "{{adapter}} {{instance}}"),
      ]),
      ts("Pinned adapters", "none", [
        q(`max by (adapter) (lorastream_server_adapter_pinned{${A}})`, "{{adapter}}"),
      ], "1 while an admin pin holds the adapter on a version."),
      ts("Publication to swap", "s", [
        q(quantile(0.5, "lorastream_server_adapter_swap_latency_seconds", "adapter", A), "first response p50 {{adapter}}"),
        q(quantile(0.99, "lorastream_server_adapter_swap_latency_seconds", "adapter", A), "first response p99 {{adapter}}"),
        q(quantile(0.99, "lorastream_server_adapter_activation_latency_seconds", "adapter", A), "swapped in p99 {{adapter}}"),
      ]),
      ts("Refused adapter records", "short", [
        q(`sum by (reason) (increase(lorastream_server_adapters_refused_total[${R}])) or vector(0)`, "{{reason}}"),
      ], "Signature, checksum, base model or shape checks that failed; the previous version kept serving."),
      ts("Texts truncated /s", "ops", [q(`sum(rate(lorastream_server_texts_truncated_total[${R}]))`, "truncated")]),
      ts("JVM heap", "bytes", [
        q('sum by (instance) (jvm_memory_used_bytes{job="embedding-server", area="heap"})', "used {{instance}}"),
      ]),
    ],
  },
];

/** Grafana's JSON model for one dashboard; panels laid out two per row (stats six per row). */
function render(d) {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  const panels = d.panels.map((p, i) => {
    const w = p.kind === "stat" ? 4 : 12;
    const h = p.kind === "stat" ? 4 : 8;
    if (x + w > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const gridPos = { h, w, x, y };
    x += w;
    rowHeight = Math.max(rowHeight, h);
    const panel = {
      id: i + 1,
      type: p.kind,
      title: p.title,
      description: p.description,
      datasource: DS,
      gridPos,
      fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
      options:
        p.kind === "stat"
          ? { reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false }, colorMode: "value", graphMode: "area", textMode: "auto" }
          : { legend: { displayMode: "list", placement: "bottom", showLegend: true }, tooltip: { mode: "multi", sort: "desc" } },
      targets: p.queries.map((t, j) => ({
        datasource: DS,
        refId: String.fromCharCode(65 + j),
        expr: t.expr,
        legendFormat: t.legend,
        range: true,
      })),
    };
    return panel;
  });
  return {
    uid: d.uid,
    title: d.title,
    description: d.description,
    tags: ["lorastream"],
    timezone: "browser",
    editable: true,
    graphTooltip: 1,
    refresh: "10s",
    schemaVersion: 39,
    version: 1,
    time: { from: "now-1h", to: "now" },
    links: [{ title: "lorastream", type: "dashboards", tags: ["lorastream"], asDropdown: true, includeVars: false, keepTime: true }],
    templating: { list: d.variables },
    annotations: { list: [] },
    panels,
  };
}

for (const d of dashboards) {
  const file = join(process.argv[2] ?? OUT, `${d.uid}.json`);
  writeFileSync(file, JSON.stringify(render(d), null, 2) + "\n");
  console.log(`wrote ${file}`);
}
