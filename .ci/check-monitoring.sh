#!/usr/bin/env bash
# Checks monitoring/ without the services running:
#   1. promtool check config monitoring/prometheus.yml (and the rule files it loads)
#   2. promtool check rules monitoring/rules/*.yml
#   3. promtool test rules monitoring/tests/*.test.yml: each alert fires on the series that should raise it
#   4. the Grafana dashboards are what monitoring/grafana/build-dashboards.mjs writes, with the provisioned
#      datasource uid
#   5. every dashboard and rule expression evaluates without error on a Prometheus with an empty TSDB
#   6. every lorastream_* metric they use is a meter the services' sources register (skipped for a service whose
#      module has no meters yet; LORASTREAM_SOURCES overrides where to look, default: this repository)
# Installs Debian's prometheus package (promtool, prometheus) when missing. About 20 s once installed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

if ! command -v promtool >/dev/null || ! command -v prometheus >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi
(cd .ci/deploy && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

passed=0
failed=0
step() { # step NAME COMMAND...: runs COMMAND, counts it, shows its output only when it fails
  local name=$1 out
  shift
  if out=$("$@" 2>&1); then
    passed=$((passed + 1)); echo "ok      $name"
  else
    failed=$((failed + 1)); echo "FAILED  $name"; echo "$out" | sed 's/^/          /'
  fi
}

step "promtool check config monitoring/prometheus.yml" promtool check config monitoring/prometheus.yml
step "promtool check rules monitoring/rules" promtool check rules monitoring/rules/*.yml
step "promtool test rules monitoring/tests" bash -c 'cd monitoring/tests && promtool test rules *.test.yml'

work=$(mktemp -d)
prom_pid=
cleanup() { [[ -n "$prom_pid" ]] && kill "$prom_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

mkdir -p "$work/dashboards"
node monitoring/grafana/build-dashboards.mjs "$work/dashboards" >/dev/null
step "dashboards are build-dashboards.mjs's output (run it and commit)" diff -r "$work/dashboards" monitoring/grafana/dashboards
step "dashboards use the provisioned datasource uid" bash -c '
  uid=$(sed -n "s/^ *uid: *//p" monitoring/grafana/provisioning/datasources/prometheus.yml)
  ! grep -ho "\"uid\": \"[^\"]*\"" monitoring/grafana/dashboards/*.json | sort -u | grep -v "lorastream-" | grep -v "\"uid\": \"$uid\""'

# An empty Prometheus on a free loopback port: expressions are parsed and evaluated, no series needed.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'global:\n  scrape_interval: 1h\n' > "$work/empty.yml"
prometheus --config.file="$work/empty.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$port" > "$work/prometheus.log" 2>&1 &
prom_pid=$!
for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1 && break; sleep 0.5; done
step "every dashboard and rule expression evaluates (empty TSDB)" \
  node .ci/deploy/promql-check.mjs --root "$root" --prometheus "http://127.0.0.1:$port"

# Meter names: lorastream_trainer_steps_total is lorastream.trainer.steps in Java; histogram and unit suffixes vary.
sources=${LORASTREAM_SOURCES:-$root}
meter_check() {
  local problems=0 name base svc
  for name in $(node .ci/deploy/promql-check.mjs --root "$root" --list | cut -f2 | tr ',' '\n' | grep '^lorastream_' | sort -u); do
    svc=$(cut -d_ -f2 <<<"$name")
    if ! grep -rqs --include='*.java' "\"lorastream\\.$svc\\." $sources; then
      echo "skipped $name: no lorastream.$svc.* meter in the sources yet"
      continue
    fi
    base=$(sed -E 's/_(total|bucket|count|sum|max)$//' <<<"$name")
    found=
    for candidate in "$base" "$(sed -E 's/_(seconds|bytes|texts)$//' <<<"$base")"; do
      grep -rqs --include='*.java' "\"${candidate//_/.}\"" $sources && found=1
    done
    if [[ -z "$found" ]]; then echo "$name: no meter \"${base//_/.}\" in the sources"; problems=1; fi
  done
  return $problems
}
step "dashboard and rule metrics are meters the services register" meter_check

echo "check-monitoring: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
