#!/usr/bin/env bash
# HTTP benchmark of a running Perimeter with wrk (issue 5), over TLS with Basic auth:
#  (a) aggregate: the default dashboard's whole refresh (aggregate.lua, dashboard_aggs.json) as
#      POST /api/v1/aggregate over 30 days of EVENTS stored events, CONNECTIONS connections on
#      2 wrk threads for DURATION: requests/s and p99 latency;
#  (b) bulk: POST /_bulk with bodies of DOCS iptables-like documents (bulk.lua) into a fresh
#      data dir, BULK_CONNECTIONS connections on 2 wrk threads: events/s, and events per
#      CPU-second of the server; once with Elasticsearch's full answer (an _id per item) and once
#      with the filter_path Logstash sends (errors,items.*.error,items.*.status).
# Each is run RUNS times; the median is printed, with the machine's load average.
#
# The EVENTS events are made realistically once and kept in WORK/data: build/bench/loggen writes
# 30 days of iptables lines, and `perimeter run` with the default pipeline (grok, date, geoip,
# store) ingests them. Later runs reuse them (delete WORK to start over).
#
#   bench/http_bench/run.sh [--build build] [--events 10000000] [--runs 3] [--duration 30]
#                           [--connections 50] [--bulk-connections 8] [--docs 1000]
#                           [--work /tmp/perimeter-http-bench] [--only aggregate|bulk]
#
# The server caps connections per client address (kMaxConnectionsPerSource, 32), so the 50
# aggregate connections come from two wrk processes of one thread each, one over 127.0.0.1 and
# one over ::1, against a server listening on [::] (TLS and a user, as non-loopback requires);
# their latency distributions are merged for the p99.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

build="$repo/build"
events=10000000
runs=3
duration=30
connections=50
bulk_connections=8
docs=1000
work="${TMPDIR:-/tmp}/perimeter-http-bench"
only=""
while (($#)); do
  case "$1" in
    --build) build="$(cd "$2" && pwd)"; shift 2 ;;
    --events) events="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --bulk-connections) bulk_connections="$2"; shift 2 ;;
    --docs) docs="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

perimeter="$build/perimeter"
loggen="$build/bench/loggen"
for tool in wrk curl; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is missing: scripts/install-deps installs it" >&2; exit 1; }
done
for bin in "$perimeter" "$loggen"; do
  [ -x "$bin" ] || { echo "run.sh: $bin is missing: build first (make, or --build DIR)" >&2; exit 1; }
done
mkdir -p "$work"

# Time allowed for the server to print its port (certificate generation, store recovery).
readonly kStartTimeoutS=60
# wrk counts a request as failed after this (its default, 2 s, is shorter than a loaded
# dashboard query on 10 M events can take).
readonly kRequestTimeoutS=60
readonly kUser=bench
password="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
authorization="Basic $(printf '%s:%s' "$kUser" "$password" | base64 -w0)"

server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"
    for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$server_pid" 2>/dev/null && kill -KILL "$server_pid"
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
trap stop_server EXIT

add_user() {  # DATA_DIR
  printf '%s\n' "$password" |
    "$perimeter" passwd --data-dir "$1" add "$kUser" --role admin --password-stdin >/dev/null
}

# Starts "$@" (a perimeter command) in the background with its log in $log; sets server_pid
# and port once the server prints "listening on".
log=""
starts=0
start_server() {
  starts=$((starts + 1))
  log="$work/server.$starts.log"
  "$@" >"$log" 2>&1 &
  server_pid=$!
  port=""
  for _ in $(seq $((kStartTimeoutS * 10))); do
    port="$(sed -n 's/.*listening on https:\/\/.*:\([0-9][0-9]*\) (.*/\1/p' "$log" | head -1)"
    [ -n "$port" ] && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "run.sh: the server did not start:" >&2
  tail -20 "$log" >&2
  exit 1
}

stored_events() {  # prints the store's event count
  curl -sk --max-time 10 -H "Authorization: $authorization" "https://127.0.0.1:$port/api/v1/stats" |
    grep -o '"events":[0-9]*' | head -1 | cut -d: -f2
}

cpu_seconds() {  # PID: user+system CPU seconds of the process so far
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f\n", ($12 + $13) / hz }' \
    "/proc/$1/stat"
}

sum_field() {  # NAME: the sum of NAME=N over the HTTPBENCH summary lines on stdin
  awk -v name="$1" '
    /^HTTPBENCH requests=/ {
      for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == name) s += kv[2] }
    }
    END { print s + 0 }'
}

# Waits (at most a minute) until the server has used almost no CPU for a second: requests of a
# wrk run that ended may still be in the store's hands.
wait_idle() {
  local before after
  for _ in $(seq 60); do
    before=$(cpu_seconds "$server_pid")
    sleep 1
    after=$(cpu_seconds "$server_pid")
    if awk -v a="$before" -v b="$after" 'BEGIN { exit !(b - a < 0.05) }'; then return 0; fi
  done
  echo "   (the server was still busy after a minute)"
}

median() {
  sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

load() { uptime | sed 's/.*load average: /load average /'; }

# --- the 10 M events ------------------------------------------------------------------------
data="$work/data"
marker="$data/http_bench.done"  # "events end_unix_seconds"
generate() {
  rm -rf "$data" "$work/iptables.log"
  mkdir -p "$data"
  local end
  end=$(date +%s)
  echo "== generating $events iptables lines (loggen, 30 days up to $(date -u -d @"$end" +%FT%TZ))"
  "$loggen" --lines "$events" --days 30 --seed 1 --end "$end" --out "$work/iptables.log"
  add_user "$data"
  echo "== ingesting them with perimeter run and the default pipeline ($(load))"
  local t0 t1
  t0=$(date +%s.%N)
  start_server "$perimeter" run --data-dir "$data" --firewall-log "$work/iptables.log" \
    --listen 127.0.0.1:0
  local n=0 last=-1 same=0
  while :; do
    sleep 5
    n="$(stored_events || echo 0)"
    n="${n:-0}"
    echo "   $n events stored"
    [ "$n" -ge "$events" ] && break
    # Lines the pipeline drops would keep the count short of $events: stop once it settles.
    if [ "$n" = "$last" ]; then same=$((same + 1)); else same=0; fi
    [ "$same" -ge 6 ] && break
    last="$n"
  done
  t1=$(date +%s.%N)
  stop_server
  awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN {
    printf "== %d events stored in %.0f s (%.0f events/s through the default pipeline)\n",
      n, b - a, n / (b - a) }'
  echo "$n $end" >"$marker"
  rm -f "$work/iptables.log"
}
if [ "$only" != bulk ]; then
  if [ ! -f "$marker" ] || [ "$(cut -d' ' -f1 "$marker")" -lt "$events" ]; then generate; fi
fi

# --- (a) aggregate --------------------------------------------------------------------------
# Merges the percentile tables of several wrk processes ("HTTPBENCH percentiles p=us ...",
# weighted by their request counts) and prints the merged p99 in ms.
merged_p99() {
  awk '
    /^HTTPBENCH requests=/ { split($2, r, "="); n[++k] = r[2] }
    /^HTTPBENCH percentiles/ {
      for (i = 3; i <= NF; i++) { split($i, pv, "="); p[k, i] = pv[1]; v[k, i] = pv[2]; all[pv[2]] = 1 }
      nf[k] = NF
    }
    END {
      total = 0; for (j = 1; j <= k; j++) total += n[j]
      best = -1
      for (L in all) {
        f = 0
        for (j = 1; j <= k; j++) {
          fj = 0
          for (i = 3; i <= nf[j]; i++) if (v[j, i] + 0 <= L + 0) fj = p[j, i]
          f += n[j] * fj / total
        }
        if (f >= 99 && (best < 0 || L + 0 < best)) best = L + 0
      }
      printf "%.1f\n", best / 1000
    }'
}

if [ "$only" != bulk ]; then
  read -r stored end <"$marker"
  from="$(date -u -d @$((end - 30 * 86400)) +%FT%TZ)"
  to="$(date -u -d @"$end" +%FT%TZ)"
  add_user "$data"  # this run's password
  body="$(printf '{"query":"NOT tags:\\"ignored\\"","from":"%s","to":"%s","size":50,%s,"aggs":%s}' \
    "$from" "$to" '"sort":"@timestamp:desc"' "$(cat "$here/dashboard_aggs.json")")"
  echo "== (a) aggregate: $stored events, $from .. $to, $connections connections, 2 threads," \
    "${duration}s x $runs, a fresh server each run"
  half=$((connections / 2))
  wrk_pair() {  # SECONDS OUT: two wrk processes, 127.0.0.1 and ::1, half the connections each
    wrk -t1 -c"$half" -d"$1"s --timeout "$kRequestTimeoutS"s --latency -s "$here/aggregate.lua" \
      "https://127.0.0.1:$port/api/v1/aggregate" -- "$from" "$to" "$authorization" \
      "$here/dashboard_aggs.json" >"$2.v4" &
    local v4=$!
    wrk -t1 -c$((connections - half)) -d"$1"s --timeout "$kRequestTimeoutS"s --latency \
      -s "$here/aggregate.lua" \
      "https://[::1]:$port/api/v1/aggregate" -- "$from" "$to" "$authorization" \
      "$here/dashboard_aggs.json" >"$2.v6"
    wait "$v4"
    cat "$2.v4" "$2.v6" >"$2"
  }
  : >"$work/aggregate.results"
  for r in $(seq "$runs"); do
    # A fresh server each run: requests still queued when wrk stops would slow the next run.
    start_server "$perimeter" serve --data-dir "$data" --listen "[::]:0"
    # One refresh first: it checks the answer and warms the block and page caches, as for a
    # dashboard in use.
    t0=$(date +%s.%N)
    answer="$(curl -sk -H "Authorization: $authorization" -H 'Content-Type: application/json' \
      "https://127.0.0.1:$port/api/v1/aggregate" --data-binary "$body")"
    t1=$(date +%s.%N)
    total="$(printf '%s' "$answer" | grep -o '"total":{"value":[0-9]*\|"total":[0-9]*' | head -1 |
      grep -o '[0-9]*$')"
    [ "${total:-0}" -gt 0 ] || { echo "run.sh: the aggregate answer has no hits: ${answer:0:300}" >&2; exit 1; }
    cpu0=$(cpu_seconds "$server_pid")
    before="$(load)"
    wrk_pair "$duration" "$work/aggregate.$r.out"
    cpu1=$(cpu_seconds "$server_pid")
    stop_server
    requests=$(sum_field requests <"$work/aggregate.$r.out")
    errors=$(sum_field errors <"$work/aggregate.$r.out")
    p99=$(merged_p99 <"$work/aggregate.$r.out")
    rps=$(awk -v n="$requests" -v d="$duration" 'BEGIN { printf "%.2f", n / d }')
    per_cpu=$(awk -v n="$requests" -v c="$cpu1" -v c0="$cpu0" 'BEGIN { printf "%.2f", n / (c - c0) }')
    alone=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
    echo "   run $r: $rps requests/s, p99 $p99 ms, $errors errors, $per_cpu requests per server" \
      "CPU-second; the warm-up refresh alone: $alone ms, $total hits ($before)"
    echo "$rps $p99 $per_cpu" >>"$work/aggregate.results"
  done
  echo "== (a) median of $runs: $(cut -d' ' -f1 "$work/aggregate.results" | median) requests/s," \
    "p99 $(cut -d' ' -f2 "$work/aggregate.results" | median) ms," \
    "$(cut -d' ' -f3 "$work/aggregate.results" | median) requests per server CPU-second ($(load))"
fi

# --- (b) bulk ---------------------------------------------------------------------------------
# bulk_series NAME QUERY: RUNS runs of POST /_bulk?QUERY, each into a fresh data dir.
bulk_series() {
  local name="$1" query="$2"
  echo "== (b) bulk, $name: $docs documents per request, $bulk_connections connections," \
    "2 threads, ${duration}s x $runs, a fresh data dir each run"
  : >"$work/bulk.$name.results"
  for r in $(seq "$runs"); do
    bulk_data="$work/bulk-data"
    rm -rf "$bulk_data"
    mkdir -p "$bulk_data"
    add_user "$bulk_data"
    start_server "$perimeter" serve --data-dir "$bulk_data" --listen 127.0.0.1:0
    before="$(load)"
    cpu0=$(cpu_seconds "$server_pid")
    wrk -t2 -c"$bulk_connections" -d"$duration"s --timeout "$kRequestTimeoutS"s --latency \
      -s "$here/bulk.lua" "https://127.0.0.1:$port/_bulk$query" -- "$authorization" "$docs" \
      >"$work/bulk.$name.$r.out"
    cpu1=$(cpu_seconds "$server_pid")
    line="$(grep '^HTTPBENCH requests=' "$work/bulk.$name.$r.out")"
    requests=$(echo "$line" | sed 's/.*requests=\([0-9]*\).*/\1/')
    errors=$(echo "$line" | sed 's/.*errors=\([0-9]*\).*/\1/')
    p99=$(echo "$line" | sed 's/.*p99_us=\([0-9]*\).*/\1/')
    wait_idle
    stored="$(stored_events)"
    stop_server
    eps=$(awk -v n="$requests" -v k="$docs" -v d="$duration" 'BEGIN { printf "%.0f", n * k / d }')
    per_cpu=$(awk -v n="$requests" -v k="$docs" -v c="$cpu1" -v c0="$cpu0" \
      'BEGIN { printf "%.0f", n * k / (c - c0) }')
    echo "   run $r: $eps events/s ($requests requests, $errors errors, p99 $((p99 / 1000)) ms)," \
      "$per_cpu events per server CPU-second, $stored stored ($before)"
    if [ "$errors" -ne 0 ] || [ "${stored:-0}" -lt $((requests * docs)) ]; then
      echo "run.sh: bulk run $r: errors, or fewer events stored than acknowledged" >&2
      exit 1
    fi
    echo "$eps $per_cpu" >>"$work/bulk.$name.results"
    rm -rf "$bulk_data"
  done
  echo "== (b) bulk, $name, median of $runs: $(cut -d' ' -f1 "$work/bulk.$name.results" | median)" \
    "events/s, $(cut -d' ' -f2 "$work/bulk.$name.results" | median) events per server CPU-second" \
    "($(load))"
}

if [ "$only" != aggregate ]; then
  bulk_series "full-answer" ""
  # What Logstash's elasticsearch output sends: no ids computed or sent back.
  bulk_series "logstash-filter_path" "?filter_path=errors,items.*.error,items.*.status"
fi
