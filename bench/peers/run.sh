#!/usr/bin/env bash
# bench/peers/run.sh: the store's dashboard queries side by side with SQLite and ClickHouse on
# the same events (issue 4). store_bench generates N events into a fresh store and writes them
# as TSV (--export-tsv); this script loads that TSV into SQLite (one table, index on time) and
# into a throw-away clickhouse-server (MergeTree ordered by time, on free local ports, data
# under the work directory), then runs the dashboard queries on the three, one system after the
# other: store_bench --reuse for the store, the same queries in SQL (bench/peers/{sqlite,
# clickhouse}/queries.sql) for the peers, medians of --runs. Prints one table: per query
# Perimeter cold/warm, ClickHouse, SQLite, the ratios; load time and bytes per event.
#
#   bench/peers/run.sh [--events 10000000] [--runs 3] [--build build] [--work /tmp/perimeter-peers]
#                      [--no-sqlite] [--no-clickhouse] [--stream] [--reuse] [--keep]
#
# Installs nothing: it needs `sqlite3` and `clickhouse-server` + `clickhouse-client` (Debian:
# apt-get install sqlite3 clickhouse-server clickhouse-client) and a built store_bench
# (cmake --build build --target store_bench). The TSV takes ~340 B/event on disk; --stream
# (with --no-sqlite, for 100 M) pipes it into ClickHouse through a FIFO instead. --reuse skips
# generation and loading and queries what an earlier --keep run left in the work directory.
# Results go to WORK/results.md too.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
events=10000000
runs=3
build="$repo/build"
work=/tmp/perimeter-peers
use_sqlite=1
use_clickhouse=1
reuse=0
keep=0
stream=0
# store_bench's fixed data set: 30 days ending at this instant (kEndSeconds).
readonly kDays=30
readonly kEndSeconds=1700000000

usage() { sed -n '11,12p' "$0" | sed 's/^# *//' >&2; exit 2; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --events) events=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --no-sqlite) use_sqlite=0; shift ;;
    --no-clickhouse) use_clickhouse=0; shift ;;
    --stream) stream=1; shift ;;
    --reuse) reuse=1; shift ;;
    --keep) keep=1; shift ;;
    *) usage ;;
  esac
done

if [[ $stream == 1 && $use_sqlite == 1 ]]; then
  echo "run.sh: --stream feeds ClickHouse only: add --no-sqlite" >&2
  exit 2
fi
store_bench="$build/bench/store_bench"
if [[ ! -x $store_bench ]]; then
  echo "run.sh: $store_bench not found: build it (cmake --build $build --target store_bench)" \
    "or point --build at a build directory" >&2
  exit 1
fi
missing=()
if [[ $use_sqlite == 1 ]] && ! command -v sqlite3 >/dev/null; then missing+=(sqlite3); fi
ch_server=() ch_client=()
if [[ $use_clickhouse == 1 ]]; then
  if command -v clickhouse-server >/dev/null && command -v clickhouse-client >/dev/null; then
    ch_server=(clickhouse-server) ch_client=(clickhouse-client)
  elif command -v clickhouse >/dev/null; then  # upstream's single binary
    ch_server=(clickhouse server) ch_client=(clickhouse client)
  else
    missing+=(clickhouse-server clickhouse-client)
  fi
fi
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "run.sh: ${missing[*]} not installed: apt-get install ${missing[*]}" \
    "(or pass --no-sqlite / --no-clickhouse)" >&2
  exit 1
fi

mkdir -p "$work"
tsv="$work/events.tsv"
db="$work/sqlite/events.db"
perimeter_out="$work/perimeter.txt"
timings="$work/timings.tsv"  # peer, set, query, run, ms
loads="$work/loads.tsv"      # peer, load wall s, load CPU s, bytes, note
answers="$work/answers.tsv"  # peer, set, query, first row of the first run
if [[ $reuse == 0 ]]; then : >"$loads"; fi
: >"$timings"
: >"$answers"
ch_pid=""
insert_pid=""  # --stream: the INSERT reading the FIFO
stop_clickhouse() {
  if [[ -n $ch_pid ]]; then
    kill "$ch_pid" 2>/dev/null || true
    wait "$ch_pid" 2>/dev/null || true
    ch_pid=""
  fi
}
cleanup() {
  if [[ -n $insert_pid ]]; then kill "$insert_pid" 2>/dev/null || true; fi
  stop_clickhouse
  if [[ $keep == 0 ]]; then
    rm -rf "$tsv" "$work/perimeter" "$work/sqlite" "$work/clickhouse"
  fi
}
trap cleanup EXIT

log() { echo "== $* ($(uptime | sed 's/.*load/load/'))" | tee -a "$work/uptime.log" >&2; }
: >"$work/uptime.log"

set_names=("all 30 days" "30 days, geoip.country_code2:CN" "last 24 h")
set_from=($((kEndSeconds - kDays * 86400)) $((kEndSeconds - kDays * 86400)) $((kEndSeconds - 86400)))
set_filter=("" "AND country_code2 = 'CN'" "")
readonly kTo=$((kEndSeconds + 1))  # store_bench asks up to the end + 1 s, exclusive

# Prints the queries of a queries.sql file as "name<TAB>sql" lines, placeholders filled in.
queries_of() {  # file from filter
  awk -v from="$2" -v to="$kTo" -v filter="$3" '
    /^-- query: / { name = substr($0, 11); sql = ""; next }
    /^--/ || /^[[:space:]]*$/ { next }
    name != "" {
      sql = sql (sql == "" ? "" : " ") $0
      if ($0 ~ /;[[:space:]]*$/) {
        gsub(/\{from\}/, from, sql); gsub(/\{to\}/, to, sql); gsub(/\{filter\}/, filter, sql)
        print name "\t" sql; name = ""
      }
    }' "$1"
}

calc() { awk "BEGIN { printf \"%.3f\", $* }"; }

cpu_seconds_of() {  # pid: user + system CPU seconds so far
  awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$1/stat"
}

start_clickhouse() {  # a throw-away server on free ports over $chdir; sets ch_pid, tcp_port
  chdir="$work/clickhouse"
  mkdir -p "$chdir/data"
  tcp_port=$(free_port)
  local http_port f
  http_port=$(free_port)
  for f in config.xml users.xml; do
    sed -e "s|@DIR@|$chdir|g" -e "s|@TCP_PORT@|$tcp_port|g" -e "s|@HTTP_PORT@|$http_port|g" \
      "$here/clickhouse/$f" >"$chdir/$f"
  done
  "${ch_server[@]}" --config-file="$chdir/config.xml" >"$chdir/stdout.log" 2>&1 &
  ch_pid=$!
  for _ in $(seq 60); do
    if ch -q 'SELECT 1' >/dev/null 2>&1; then return; fi
    if ! kill -0 "$ch_pid" 2>/dev/null; then break; fi
    sleep 0.5
  done
  echo "run.sh: clickhouse-server did not start; see $chdir/server.err.log" >&2
  exit 1
}
ch() { "${ch_client[@]}" --port "$tcp_port" --max_threads=2 "$@"; }
free_port() {  # a local TCP port nobody listens on
  local p
  for _ in $(seq 100); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  echo "run.sh: no free local port found" >&2
  return 1
}
TIMEFORMAT='%R %U %S'

# ---- Loading: the store (and the TSV), then SQLite and ClickHouse from the TSV ----
if [[ $reuse == 0 ]]; then
  rm -rf "$tsv" "$work/perimeter" "$work/sqlite" "$work/clickhouse"
  if [[ $stream == 1 ]]; then
    # The TSV goes straight into ClickHouse while the store ingests (no copy on disk), so
    # ClickHouse's load time is the generator's and is not reported.
    mkfifo "$tsv"
    start_clickhouse
    log "ClickHouse $(ch -q 'SELECT version()'): loading the TSV as store_bench writes it"
    ch --multiquery <"$here/clickhouse/schema.sql"
    ch -q 'INSERT INTO events FORMAT TabSeparated' <"$tsv" 2>"$chdir/load.err" &
    insert_pid=$!
  fi
  log "Perimeter: generating and ingesting $events events (store_bench), TSV export"
  # --set 3 names no query set: the queries run later, next to the peers'.
  "$store_bench" --events "$events" --days "$kDays" --runs 1 --set 3 --dir "$work/perimeter" \
    --keep --export-tsv "$tsv" 2> >(grep -v '\[info\]' >&2) | tee "$work/perimeter-ingest.txt"
  awk -v n="$events" '
    /^ingest:/ { wall = $5; cpu = substr($8, 2) }
    /^compaction/ { wall += $(NF - 1) }
    /^on disk:/ { for (i = 1; i <= NF; ++i) if ($i == "directory") dir = $(i + 1) }
    END { printf "perimeter\t%.1f\t%.1f\t%.0f\tstore_bench ingest of parsed events (WAL, fsync per 2,048) + compaction\n", wall, cpu, dir * n }
  ' "$work/perimeter-ingest.txt" >"$loads"

  if [[ $use_sqlite == 1 ]]; then
    log "SQLite $(sqlite3 --version | cut -d' ' -f1): loading $tsv"
    mkdir -p "$work/sqlite"
    t=$({ time sqlite3 "$db" -cmd ".read $here/sqlite/schema.sql" -cmd ".mode tabs" \
      ".import $tsv events" ".read $here/sqlite/finish_load.sql" >/dev/null \
      2>"$work/sqlite/load.err"; } 2>&1)
    read -r wall user sys <<<"$t"
    printf 'sqlite\t%s\t%s\t%s\tsqlite3 .import of the TSV, NULL ports, index on time, ANALYZE\n' \
      "$wall" "$(calc "$user + $sys")" "$(stat -c %s "$db")" >>"$loads"
  fi

  if [[ $use_clickhouse == 1 ]]; then
    if [[ $stream == 1 ]]; then
      wait "$insert_pid"
      insert_pid=""
      insert_note="INSERT streamed while the store ingested (time not measured)"
    else
      start_clickhouse
      log "ClickHouse $(ch -q 'SELECT version()'): loading $tsv"
      ch --multiquery <"$here/clickhouse/schema.sql"
      cpu0=$(cpu_seconds_of "$ch_pid")
      t=$({ time ch -q 'INSERT INTO events FORMAT TabSeparated' <"$tsv" 2>"$chdir/load.err"; } 2>&1)
      read -r insert_wall user sys <<<"$t"
      insert_note=$(printf 'INSERT of the TSV %.1f s' "$insert_wall")
    fi
    # Parts go on merging after the INSERT returns; the load is done when they settle.
    start=$(date +%s.%N)
    while [[ $(ch -q 'SELECT count() FROM system.merges') != 0 ]]; do sleep 1; done
    merge_wall=$(calc "$(date +%s.%N) - $start")
    bytes=$(ch -q "SELECT sum(bytes_on_disk) FROM system.parts WHERE active AND table = 'events'")
    parts=$(ch -q "SELECT count() FROM system.parts WHERE active AND table = 'events'")
    if [[ $stream == 1 ]]; then
      wall=0 cpu=0
    else
      wall=$(calc "$insert_wall + $merge_wall")
      cpu=$(calc "$user + $sys + $(cpu_seconds_of "$ch_pid") - $cpu0")
    fi
    printf 'clickhouse\t%s\t%s\t%s\t%s + background merges %.1f s (%s parts)\n' "$wall" "$cpu" \
      "$bytes" "$insert_note" "$merge_wall" "$parts" >>"$loads"
    stop_clickhouse
  fi
  if [[ $keep == 0 || $stream == 1 ]]; then rm -f "$tsv"; fi
fi

# ---- Queries, one system after the other ----
log "Perimeter: queries"
"$store_bench" --days "$kDays" --runs "$runs" --dir "$work/perimeter" --reuse \
  2> >(grep -v '\[info\]' >&2) | tee "$perimeter_out"

if [[ $use_sqlite == 1 ]]; then
  for s in 0 1 2; do
    log "SQLite: ${set_names[$s]}"
    script="$work/sqlite/set$s.sql"
    mapfile -t qs < <(queries_of "$here/sqlite/queries.sql" "${set_from[$s]}" "${set_filter[$s]}")
    {
      echo ".output /dev/null"
      echo ".read $here/sqlite/session.sql"
      echo ".output $work/sqlite/answers$s.txt"
      echo ".timer on"
      for ((r = 1; r <= runs; ++r)); do
        for ((q = 0; q < ${#qs[@]}; ++q)); do
          echo ".print ==== $r $q"
          echo "${qs[$q]#*$'\t'}"
        done
      done
    } >"$script"
    sqlite3 "$db" <"$script" | awk -v s="$s" -v nq="${#qs[@]}" '
      /^Run Time: real/ { k = n++; printf "sqlite\t%d\t%d\t%d\t%.3f\n", s, k % nq, int(k / nq) + 1, $4 * 1000 }
    ' >>"$timings"
    awk -v s="$s" '/^==== / { take = ($2 == 1); q = $3; got = 0; next }
      take && !got { printf "sqlite\t%d\t%d\t%s\n", s, q, substr($0, 1, 70); got = 1 }
    ' "$work/sqlite/answers$s.txt" >>"$answers"
  done
fi

if [[ $use_clickhouse == 1 ]]; then
  start_clickhouse
  for s in 0 1 2; do
    log "ClickHouse $(ch -q 'SELECT version()'): ${set_names[$s]}"
    mapfile -t qs < <(queries_of "$here/clickhouse/queries.sql" "${set_from[$s]}" "${set_filter[$s]}")
    for ((r = 1; r <= runs; ++r)); do
      for ((q = 0; q < ${#qs[@]}; ++q)); do
        ch --time -q "${qs[$q]#*$'\t'}" >"$chdir/answer.txt" 2>"$chdir/time.txt"
        printf 'clickhouse\t%d\t%d\t%d\t%.3f\n' "$s" "$q" "$r" \
          "$(calc "$(tail -1 "$chdir/time.txt") * 1000")" >>"$timings"
        if [[ $r == 1 ]]; then
          printf 'clickhouse\t%d\t%d\t%s\n' "$s" "$q" "$(head -1 "$chdir/answer.txt" | tr '\t' '|' | cut -c1-70)" \
            >>"$answers"
        fi
      done
    done
  done
  stop_clickhouse
fi

# ---- The table ----
log "done"
{
  echo "events: $events; medians of $runs runs; ms"
  echo
  awk -F'\t' -v runs="$runs" -v events="$events" -v perimeter_out="$perimeter_out" \
    -v loads="$loads" -v answers="$answers" '
    function median(key,   n, i, j, v, t) {
      n = cnt[key]; if (n == 0) return -1
      for (i = 1; i <= n; ++i) v[i] = val[key, i]
      for (i = 1; i <= n; ++i) for (j = i + 1; j <= n; ++j) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
      return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    }
    # Timers have 1 ms (peers) or 0.1 ms (store_bench) resolution: 0 means "below that".
    function ms(x) { return x < 0 ? "–" : x == 0 ? "~0" : x < 10 ? sprintf("%.1f", x) : sprintf("%.0f", x) }
    function ratio(a, b) {
      if (a <= 0 || b <= 0) return "–"
      return a / b >= 10 ? sprintf("%.0f×", a / b) : a / b >= 0.1 ? sprintf("%.1f×", a / b) : sprintf("%.2f×", a / b)
    }
    { key = $1 SUBSEP $2 SUBSEP $3; val[key, ++cnt[key]] = $5 }
    END {
      # Perimeter: store_bench prints "  <query, 24 wide> <cold> <warm>   <answer>" per set.
      s = -1
      while ((getline line < perimeter_out) > 0) {
        if (line ~ /^(all 30 days|30 days, geoip[^ ]*|last 24 h) \(ms/) { ++s; q = 0; continue }
        if (s >= 0 && line ~ /^  [a-z0-9]/ && line !~ /^  whole set/) {
          name[q] = substr(line, 3, 24); sub(/ +$/, "", name[q])
          split(substr(line, 27), f, " ")
          cold[s, q] = f[1]; warm[s, q] = f[2]
          a = substr(line, 27); sub(/^ *[0-9.]+ +[0-9.]+ +/, "", a); pans[s, q] = a
          ++q
        } else if (s >= 0 && line ~ /^  whole set/) {
          split(substr(line, 27), f, " "); cold[s, "all"] = f[1]; warm[s, "all"] = f[2]
        }
      }
      nq = q
      split("all 30 days|30 days, geoip.country_code2:CN|last 24 h", set_name, "|")
      print "| query | Perimeter cold | Perimeter warm | ClickHouse | SQLite | ClickHouse ÷ Perimeter cold / warm | SQLite ÷ Perimeter cold / warm |"
      print "|---|---:|---:|---:|---:|---:|---:|"
      for (s = 0; s < 3; ++s) {
        printf "| **%s** | | | | | | |\n", set_name[s + 1]
        chs = 0; sqs = 0
        for (q = 0; q < nq; ++q) {
          c = median("clickhouse" SUBSEP s SUBSEP q); l = median("sqlite" SUBSEP s SUBSEP q)
          chs = (c < 0 || chs < 0) ? -1 : chs + c; sqs = (l < 0 || sqs < 0) ? -1 : sqs + l
          printf "| %s | %s | %s | %s | %s | %s / %s | %s / %s |\n", name[q], ms(cold[s, q]), ms(warm[s, q]),
            ms(c), ms(l), ratio(c, cold[s, q]), ratio(c, warm[s, q]), ratio(l, cold[s, q]), ratio(l, warm[s, q])
        }
        printf "| whole set | %s | %s | %s | %s | %s / %s | %s / %s |\n", ms(cold[s, "all"]), ms(warm[s, "all"]),
          ms(chs), ms(sqs), ratio(chs, cold[s, "all"]), ratio(chs, warm[s, "all"]), ratio(sqs, cold[s, "all"]), ratio(sqs, warm[s, "all"])
      }
      print ""
      print "| load | wall s | CPU s | events/s wall | bytes on disk | B/event | how |"
      print "|---|---:|---:|---:|---:|---:|---|"
      while ((getline line < loads) > 0) {
        split(line, f, "\t")
        if (f[2] > 0) printf "| %s | %.1f | %.1f | %.0f | %.0f | %.2f | %s |\n", f[1], f[2], f[3], events / f[2], f[4], f[4] / events, f[5]
        else printf "| %s | – | – | – | %.0f | %.2f | %s |\n", f[1], f[4], f[4] / events, f[5]
      }
      print ""
      print "Answers (first run; first row of each result):"
      while ((getline line < answers) > 0) { split(line, f, "\t"); ans[f[1], f[2], f[3]] = f[4] }
      for (s = 0; s < 3; ++s) for (q = 0; q < nq; ++q) {
        printf "  %s / %s\n    perimeter:  %s\n    clickhouse: %s\n    sqlite:     %s\n", set_name[s + 1], name[q],
          pans[s, q], ans["clickhouse", s, q], ans["sqlite", s, q]
      }
    }' "$timings"
  echo
  echo "load averages while running:"
  sed 's/^/  /' "$work/uptime.log"
} | tee "$work/results.md"
