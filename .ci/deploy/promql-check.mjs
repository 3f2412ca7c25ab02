// Evaluates every PromQL expression of the Grafana dashboards and the alert rules in monitoring/ through a
// Prometheus HTTP API (/api/v1/query). Each must evaluate without error; with --require-data each dashboard query
// must also return at least one series (the panel has data). Alert expressions need not return anything (a
// healthy system raises no alert), only evaluate.
//
//   node promql-check.mjs --root REPO --prometheus http://127.0.0.1:9090 [--require-data]
//   node promql-check.mjs --root REPO --list          prints the expressions and the metric names they use
//
// Grafana's variables are replaced the way Grafana would for a 1-hour view: $__rate_interval by 1m,
// $__interval by 15s, $__range by 1h, $adapter (All) by .*.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

const args = process.argv.slice(2);
const opt = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const root = opt("--root") ?? ".";
const prometheus = opt("--prometheus");
const requireData = args.includes("--require-data");

const GRAFANA_VARS = [
  [/\$__rate_interval/g, "1m"],
  [/\$__interval/g, "15s"],
  [/\$__range/g, "1h"],
  [/\$adapter/g, ".*"],
];
const substitute = (expr) => GRAFANA_VARS.reduce((e, [re, v]) => e.replace(re, v), expr);

export function expressions(repo) {
  const out = [];
  const dashDir = join(repo, "monitoring/grafana/dashboards");
  for (const f of readdirSync(dashDir).filter((f) => f.endsWith(".json")).sort()) {
    const d = JSON.parse(readFileSync(join(dashDir, f), "utf8"));
    for (const p of d.panels ?? []) {
      for (const t of p.targets ?? []) {
        out.push({ where: `${f} "${p.title}" ${t.refId}`, expr: substitute(t.expr), panel: true });
      }
    }
  }
  const ruleDir = join(repo, "monitoring/rules");
  for (const f of readdirSync(ruleDir).filter((f) => f.endsWith(".yml")).sort()) {
    for (const g of parse(readFileSync(join(ruleDir, f), "utf8")).groups) {
      for (const r of g.rules) out.push({ where: `${f} ${r.alert ?? r.record}`, expr: r.expr.trim(), panel: false });
    }
  }
  return out;
}

/** Metric names an expression selects: identifiers that are not functions, keywords, labels or durations. */
export function metricNames(expr) {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // strings
    .replace(/\{[^}]*\}/g, "{}") // label matchers
    .replace(/\[[^\]]*\]/g, "[]") // ranges
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " "); // label lists
  const keywords = new Set(["and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan"]);
  const names = new Set();
  for (const m of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const rest = bare.slice(m.index + m[0].length);
    if (keywords.has(m[0].toLowerCase()) || /^\s*\(/.test(rest) || /[0-9.]$/.test(bare.slice(0, m.index))) continue;
    names.add(m[0]);
  }
  return [...names];
}

async function query(expr) {
  const url = `${prometheus.replace(/\/$/, "")}/api/v1/query?query=${encodeURIComponent(expr)}`;
  const res = await fetch(url);
  const body = await res.json().catch(() => ({ status: "error", error: `HTTP ${res.status}, not JSON` }));
  return body;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const all = expressions(root);
  if (args.includes("--list")) {
    for (const e of all) console.log(`${e.where}\t${metricNames(e.expr).join(",")}\t${e.expr.replace(/\s+/g, " ")}`);
    process.exit(0);
  }
  if (!prometheus) {
    console.error("usage: node promql-check.mjs --root REPO --prometheus URL [--require-data] | --list");
    process.exit(2);
  }
  let passed = 0;
  let failed = 0;
  for (const e of all) {
    const body = await query(e.expr);
    let problem = null;
    if (body.status !== "success") problem = `${body.errorType ?? "error"}: ${body.error}`;
    else if (requireData && e.panel && body.data.result.length === 0) problem = "no data";
    if (problem) {
      failed++;
      console.log(`FAILED  ${e.where}: ${problem}\n          ${e.expr.replace(/\s+/g, " ")}`);
    } else {
      passed++;
      console.log(`ok      ${e.where}${e.panel && requireData ? ` (${body.data.result.length} series)` : ""}`);
    }
  }
  console.log(`promql: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}
