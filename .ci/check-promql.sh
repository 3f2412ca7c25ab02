#!/usr/bin/env bash
# Evaluates every PromQL expression of monitoring/ (Grafana dashboards and alert rules) against live metrics:
# each must evaluate without error and every dashboard query must return data.
#
#   .ci/check-promql.sh --prometheus http://HOST:9090
#       uses a Prometheus that already scrapes the services (job names streams-app, trainer, embedding-server)
#   .ci/check-promql.sh --target streams-app=127.0.0.1:9410 --target trainer=127.0.0.1:9420 \
#                       --target embedding-server=127.0.0.1:8080 [--wait 60]
#       starts Debian's Prometheus on a free loopback port, scrapes those /metrics every 5 s with the alert
#       rules loaded, waits --wait seconds (default 60), then checks; stops it afterwards. With --until FILE:TEXT
#       it checks 120 s after TEXT appears in FILE instead, if that comes first
#
# Run it while the services (or ./lorastream demo) run and have done some work: at least one gate decision and
# one published and served adapter version, so that every panel has something to show.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

url=
wait_s=60
until_file=
until_pattern=
targets=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --prometheus) url=$2; shift 2 ;;
    --target) targets+=("$2"); shift 2 ;;
    --wait) wait_s=$2; shift 2 ;;
    --until) until_file=${2%%:*}; until_pattern=${2#*:}; shift 2 ;;
    *) echo "unknown argument $1; see the comment at the top of $0" >&2; exit 2 ;;
  esac
done
if [[ -z "$url" && ${#targets[@]} -eq 0 ]]; then
  echo "give --prometheus URL or --target JOB=HOST:PORT (see the top of $0)" >&2
  exit 2
fi

(cd .ci/deploy && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

work=$(mktemp -d)
prom_pid=
cleanup() { [[ -n "$prom_pid" ]] && kill "$prom_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

if [[ -z "$url" ]]; then
  if ! command -v prometheus >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  fi
  mkdir -p "$work/rules"
  cp monitoring/rules/*.yml "$work/rules/"
  {
    printf 'global:\n  scrape_interval: 5s\n  evaluation_interval: 5s\nrule_files:\n  - rules/*.yml\nscrape_configs:\n'
    for t in "${targets[@]}"; do
      printf '  - job_name: %s\n    static_configs:\n      - targets: ["%s"]\n' "${t%%=*}" "${t#*=}"
    done
  } > "$work/prometheus.yml"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
    --web.listen-address="127.0.0.1:$port" > "$work/prometheus.log" 2>&1 &
  prom_pid=$!
  url="http://127.0.0.1:$port"
  for _ in $(seq 1 60); do curl -fsS "$url/-/ready" >/dev/null 2>&1 && break; sleep 0.5; done
  echo "prometheus on $url scrapes ${targets[*]}; waiting ${wait_s}s for samples"
  if [[ -n "$until_file" ]]; then
    # up to --wait seconds, but done 120 s after the line appears (enough scrapes of what it announces)
    deadline=$((SECONDS + wait_s))
    while (( SECONDS < deadline )) && ! grep -q -- "$until_pattern" "$until_file" 2>/dev/null; do sleep 5; done
    sleep $(( deadline - SECONDS < 120 ? (deadline - SECONDS > 0 ? deadline - SECONDS : 0) : 120 ))
  else
    sleep "$wait_s"
  fi
  curl -fsS "$url/api/v1/targets" | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      for (const t of JSON.parse(s).data.activeTargets) console.log(`target ${t.labels.job} ${t.scrapeUrl}: ${t.health} ${t.lastError}`);
    });'
fi

node .ci/deploy/promql-check.mjs --root "$root" --prometheus "$url" --require-data
